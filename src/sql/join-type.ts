// Join types with Spark's names, and the spellings Spark's `join(right, cols, joinType)` accepts.
import { FlintError } from '../errors.js';

/** A join type, as Spark's `JoinType.sql` names it in lower case. */
export type JoinType = 'inner' | 'left_outer' | 'right_outer' | 'full_outer' | 'left_semi' | 'left_anti';

/** Every spelling `join` accepts (Spark's `JoinType.apply`): case and underscores do not matter. */
export type JoinTypeName =
  | JoinType
  | 'outer' | 'full' | 'fullouter' | 'left' | 'leftouter' | 'right' | 'rightouter'
  | 'semi' | 'leftsemi' | 'anti' | 'leftanti';

const BY_SPELLING: Readonly<Record<string, JoinType>> = {
  inner: 'inner',
  outer: 'full_outer', full: 'full_outer', fullouter: 'full_outer',
  left: 'left_outer', leftouter: 'left_outer',
  right: 'right_outer', rightouter: 'right_outer',
  semi: 'left_semi', leftsemi: 'left_semi',
  anti: 'left_anti', leftanti: 'left_anti',
};

/** The join type a spelling names; an unknown one is an `INVALID_ARGUMENT` listing those accepted. */
export function parseJoinType(name: string): JoinType {
  const type = BY_SPELLING[String(name).toLowerCase().replaceAll('_', '')];
  if (type) return type;
  throw new FlintError(
    'INVALID_ARGUMENT',
    `Unsupported join type '${name}'. Supported join types include: 'inner', 'outer', 'full', 'fullouter', 'full_outer', 'left', 'leftouter', 'left_outer', 'right', 'rightouter', 'right_outer', 'semi', 'leftsemi', 'left_semi', 'anti', 'leftanti', 'left_anti'`,
  );
}

/** True when the join outputs only the left side's columns. */
export function keepsLeftOnly(type: JoinType): boolean {
  return type === 'left_semi' || type === 'left_anti';
}

/** True when rows of `side` without a match are output, padded with nulls. */
export function outputsUnmatched(type: JoinType, side: 'L' | 'R'): boolean {
  return type === 'full_outer' || type === (side === 'L' ? 'left_outer' : 'right_outer');
}
