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
    if (t !== 'timestamp' && !isWindowType(t)) throw new FlintError('INVALID_ARGUMENT', `window needs a timestamp column (or a window, read as its window_time); "${this.timeColumn.name}" is ${typeof t === 'string' ? t : t.type}`);
    return WINDOW_TYPE;
  }

  /** The windows holding the row's timestamp, latest start first (as Spark's expansion). */
  eval(row: Row): Value {
    const t = eventTimeMs(this.timeColumn.eval(row));
    if (t === undefined) return [];
    return windowsOf(t, this.windowMs, this.slideMs, this.startMs).map(([s, e]) => ({ start: new Date(s), end: new Date(e) }));
  }
}

/**
 * Spark's `window_time(window)`: the event time of a window an aggregation emitted, its end minus
 * the smallest time step (1 ms in Flint, whose timestamps are ms; 1 µs in Spark), so it falls in
 * the window. A later `window(...)` over it regroups windows of windows.
 */
export class WindowTime implements Expression {
  readonly children: readonly Expression[];
  readonly name: string;

  constructor(readonly child: Expression) {
    this.children = [child];
    this.name = `window_time(${child.name})`;
  }

  dataType(input: StructType): DataType {
    const t = this.child.dataType(input);
    if (!isWindowType(t)) throw new FlintError('INVALID_ARGUMENT', `window_time needs a window column (from window(...) or session_window(...)); "${this.child.name}" is ${typeof t === 'string' ? t : t.type}`);
    return 'timestamp';
  }

  eval(row: Row): Value {
    const t = eventTimeMs(this.child.eval(row));
    return t === undefined ? null : new Date(t);
  }
}

/** A row's event time in ms: a timestamp, or a window's window_time (end - 1 ms); undefined for null. */
export function eventTimeMs(v: Value): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && (v as Row).end instanceof Date) return ((v as Row).end as Date).getTime() - 1;
  return undefined;
}

function isWindowType(t: DataType): boolean {
  return typeof t === 'object' && t.type === 'struct' && t.fields.some((f) => f.name === 'end' && f.dataType === 'timestamp');
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
