// Event-time windows (Spark's `TimeWindow`): each timestamp falls into ceil(window / slide)
// windows [start, end), aligned to `startTime`.
//
//   slide 5, window 10, event at 12:
//   |----[5,15)----|
//        |----[10,20)---|          -> the event is in [5,15) and [10,20)
//   0    5    10 12 15   20
import { FlintError } from '../../errors.js';
import type { DataType, Row, StructType, Value } from '../schema.js';
import type { Expression } from './expression.js';

/** The type of a window column: `struct<start:timestamp,end:timestamp>`. */
export const WINDOW_TYPE: DataType = {
  type: 'struct',
  fields: [
    { name: 'start', dataType: 'timestamp', nullable: true },
    { name: 'end', dataType: 'timestamp', nullable: true },
  ],
};

/** A window value. */
export interface WindowValue {
  readonly start: Date;
  readonly end: Date;
}

/** `window(timeColumn, windowDuration, slideDuration, startTime)`; eval gives every window of the row. */
export class TimeWindow implements Expression {
  readonly children: readonly Expression[];
  readonly name = 'window';
  readonly multiValued = true as const;

  constructor(
    readonly timeColumn: Expression,
    readonly windowMs: number,
    readonly slideMs: number,
    readonly startMs: number,
  ) {
    this.children = [timeColumn];
    if (windowMs <= 0 || slideMs <= 0) throw new FlintError('INVALID_WINDOW', 'window: the window and slide durations must be greater than 0');
    if (slideMs > windowMs) {
      throw new FlintError('INVALID_WINDOW', `window: the slide duration (${slideMs} ms) must be less than or equal to the window duration (${windowMs} ms)`);
    }
    if (Math.abs(startMs) >= slideMs) {
      throw new FlintError('INVALID_WINDOW', `window: the absolute value of the start time (${startMs} ms) must be less than the slide duration (${slideMs} ms)`);
    }
  }

  dataType(input: StructType): DataType {
    const t = this.timeColumn.dataType(input);
    if (t !== 'timestamp') throw new FlintError('INVALID_ARGUMENT', `window needs a timestamp column; "${this.timeColumn.name}" is ${typeof t === 'string' ? t : t.type}`);
    return WINDOW_TYPE;
  }

  /** The windows holding the row's timestamp, latest start first (as Spark's expansion). */
  eval(row: Row): Value {
    const ts = this.timeColumn.eval(row);
    if (!(ts instanceof Date)) return [];
    return windowsOf(ts.getTime(), this.windowMs, this.slideMs, this.startMs).map(([s, e]) => ({ start: new Date(s), end: new Date(e) }));
  }
}

/** [start, end) of every window holding `t` (Spark's TimeWindowing rule). */
export function windowsOf(t: number, windowMs: number, slideMs: number, startMs: number): [number, number][] {
  const starts: number[] = [];
  const n = windowStartsInto(t, windowMs, slideMs, startMs, starts);
  return starts.slice(0, n).map((s) => [s, s + windowMs]);
}

/** Writes the start of every window holding `t` into `out` (reused, no allocation); returns how many. */
export function windowStartsInto(t: number, windowMs: number, slideMs: number, startMs: number, out: number[]): number {
  const lastStart = t - mod(t - startMs, slideMs);
  let n = 0;
  const most = Math.ceil(windowMs / slideMs);
  for (let i = 0; i < most; i++) {
    const start = lastStart - i * slideMs;
    if (start <= t && t < start + windowMs) out[n++] = start;
  }
  return n;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
