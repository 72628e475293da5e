// String matching with Spark's semantics: SQL `LIKE` (`%` any run, `_` one character, `\` escapes)
// and `RLIKE` (a regular expression found anywhere in the string; Java's syntax and JavaScript's
// agree on the common forms).
import { FlintError } from '../../errors.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import type { Expression } from './expression.js';

/** Spark's `Like` (`like`, `x LIKE 'a%'`) and `RLike` (`rlike`, `x RLIKE 'a.*'`). */
export class Like implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;
  private readonly regex: RegExp;

  constructor(
    readonly child: Expression,
    readonly pattern: string,
    readonly regular: boolean,
    ignoreCase = false,
  ) {
    this.children = [child];
    this.name = regular ? `RLIKE(${child.name}, ${pattern})` : ignoreCase ? `ilike(${child.name}, ${pattern})` : `${child.name} LIKE ${pattern}`;
    const regex = regular ? compileRegex(pattern, 'rlike') : likeToRegex(pattern);
    this.regex = ignoreCase ? new RegExp(regex.source, `${regex.flags}i`) : regex;
  }

  dataType(input: StructType): DataType {
    this.child.dataType(input);
    return 'boolean';
  }

  eval(row: Row): Value {
    const v = this.child.eval(row);
    return v === null ? null : this.regex.test(String(v));
  }
}

/** A regular expression from a Spark function's pattern argument, with an error naming the function. */
export function compileRegex(pattern: string, fn: string, flags = 'u'): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new FlintError('INVALID_ARGUMENT', `${fn}: "${pattern}" is not a valid regular expression (${(error as Error).message})`);
  }
}

function likeToRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[++i];
      if (next === undefined) throw new FlintError('INVALID_ARGUMENT', `like: the pattern "${pattern}" ends with the escape character \\`);
      source += escapeRegex(next);
    } else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += escapeRegex(c);
  }
  return new RegExp(`^${source}$`, 'su');
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
