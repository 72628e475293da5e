// The windows of an event time as the columnar path needs them: a tumbling window has exactly one
// start per time (no array, no loop); a sliding one uses the row path's windowStartsInto.
import { windowStartsInto, type TimeWindow } from '../expressions/time-window.js';

/** Writes the window starts of a time into `out`. */
export interface WindowAssigner {
  /** Most windows one time falls in. */
  readonly most: number;
  /** Writes the starts of the windows holding `t` (latest first, as the row path) into `out`; returns how many. */
  starts(t: number, out: number[]): number;
}

/** The assigner of `w`. */
export function windowAssigner(w: TimeWindow): WindowAssigner {
  const { windowMs, slideMs, startMs } = w;
  if (slideMs === windowMs) {
    return {
      most: 1,
      starts(t, out) {
        out[0] = t - ((((t - startMs) % windowMs) + windowMs) % windowMs);
        return 1;
      },
    };
  }
  return { most: Math.ceil(windowMs / slideMs), starts: (t, out) => windowStartsInto(t, windowMs, slideMs, startMs, out) };
}
