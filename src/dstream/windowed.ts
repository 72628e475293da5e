// WindowedDStream: every slide, the union of the parent's batches inside the window.
//
//   parent batches:   |  1  |  2  |  3  |  4  |  5  |  6  |
//   window W = 3 batches, slide S = 2 batches:
//   at t=4:                 [  2     3     4  ]            covers (t - W, t]
//   at t=6:                             [  4     5     6  ]
//
// Early windows are partial: times at or before zero time contribute nothing.
import { unionBatches, type Batch } from '../batch/batch.js';
import { FlintError } from '../errors.js';
import { checkDuration } from '../streaming/duration.js';
import type { DStream } from './dstream.js';
import type { Operator } from './operator.js';

/** Validates a window and slide against the parent's slide; returns them. */
export function checkWindow(parentSlide: number, windowDuration: number, slideDuration: number): [number, number] {
  checkDuration(windowDuration, 'window duration', { positive: true });
  checkDuration(slideDuration, 'slide duration', { positive: true });
  const fix = `; use multiples of ${parentSlide} ms (e.g. Seconds(n) with a batch interval that divides it)`;
  if (windowDuration % parentSlide !== 0) {
    throw new FlintError(
      'INVALID_WINDOW',
      `window duration ${windowDuration} ms must be a multiple of the parent's slide duration ${parentSlide} ms${fix}`,
    );
  }
  if (slideDuration % parentSlide !== 0) {
    throw new FlintError(
      'INVALID_WINDOW',
      `slide duration ${slideDuration} ms must be a multiple of the parent's slide duration ${parentSlide} ms${fix}`,
    );
  }
  return [windowDuration, slideDuration];
}

/** Spark's `WindowedDStream`. */
export class WindowedDStream<T> implements Operator<T> {
  readonly name = 'WindowedDStream';
  readonly dependencies: readonly DStream<T>[];
  readonly slideDuration: number;
  readonly windowDuration: number;

  constructor(private readonly parent: DStream<T>, windowDuration: number, slideDuration: number) {
    [this.windowDuration, this.slideDuration] = checkWindow(parent.slideDuration, windowDuration, slideDuration);
    this.dependencies = [parent];
  }

  get parentRememberExtra(): number {
    return this.windowDuration;
  }

  async compute(time: number): Promise<Batch<T>> {
    const from = time - this.windowDuration + this.parent.slideDuration;
    return unionBatches(await this.parent.slice(from, time));
  }
}
