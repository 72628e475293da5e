// Session windows (Spark's `SessionWindow`): a row opens [t, t + gap); the aggregation merges
// the overlapping sessions of a group key into one, so a session ends after `gap` of silence.
//
//   gap 10:  events at 0, 5, 30  ->  [0,10) + [5,15) = [0,15)   and   [30,40)
import { FlintError } from '../../errors.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import type { Expression } from './expression.js';
import { WINDOW_TYPE } from './time-window.js';

/** `session_window(timeColumn, gap)`; eval gives the row's own session, before merging. */
export class SessionWindow implements Expression {
  readonly children: readonly Expression[];
  readonly name = 'session_window';

  constructor(
    readonly timeColumn: Expression,
    readonly gapMs: number,
  ) {
    this.children = [timeColumn];
    if (gapMs <= 0) throw new FlintError('INVALID_WINDOW', 'session_window: the gap duration must be greater than 0');
  }

  dataType(input: StructType): DataType {
    const t = this.timeColumn.dataType(input);
    if (t !== 'timestamp') throw new FlintError('INVALID_ARGUMENT', `session_window needs a timestamp column; "${this.timeColumn.name}" is ${typeof t === 'string' ? t : t.type}`);
    return WINDOW_TYPE;
  }

  eval(row: Row): Value {
    const ts = this.timeColumn.eval(row);
    if (!(ts instanceof Date)) return null;
    return { start: ts, end: new Date(ts.getTime() + this.gapMs) };
  }
}
