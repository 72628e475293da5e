// Clocks: the only place that reads time. ManualClock drives batches deterministically in tests.

/** A listener the job generator registers; it returns when the batches it started are done. */
export type ClockListener = (now: number) => Promise<void> | void;

/** The source of time for a StreamingContext. */
export interface Clock {
  /** Current time in milliseconds. */
  now(): number;
  /**
   * Calls `listener` at (or after) `time`; returns a function that cancels the call.
   * System clocks use a timer; the manual clock fires when `advance` passes `time`.
   */
  schedule(time: number, listener: ClockListener): () => void;
}

/** Wall-clock time with timers, the default clock. */
export class SystemClock implements Clock {
  /** Current wall-clock time in milliseconds since the epoch. */
  now(): number {
    return Date.now();
  }

  /** Fires `listener` once the wall clock reaches `time`. */
  schedule(time: number, listener: ClockListener): () => void {
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      const wait = time - Date.now();
      if (wait <= 0) {
        timer = undefined;
        // Failures are reported by the listener's owner; a timer has no one to throw to.
        Promise.resolve()
          .then(() => listener(Date.now()))
          .catch(() => undefined);
        return;
      }
      // setTimeout may fire a millisecond early; re-arm until the clock has really passed `time`.
      timer = setTimeout(arm, wait);
    };
    arm();
    return () => {
      if (timer) clearTimeout(timer);
    };
  }
}

interface Scheduled {
  time: number;
  listener: ClockListener;
}

/**
 * A clock that moves only when told to. `advance(ms)` resolves after every listener due by the
 * new time has run to completion, so a test can check outputs right after it.
 */
export class ManualClock implements Clock {
  private time: number;
  private pending: Scheduled[] = [];

  /** Starts the clock at `startTime` milliseconds (default 0). */
  constructor(startTime = 0) {
    this.time = startTime;
  }

  /** The current manual time. */
  now(): number {
    return this.time;
  }

  /** Registers `listener` to run when the time reaches `time`. */
  schedule(time: number, listener: ClockListener): () => void {
    const entry = { time, listener };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((e) => e !== entry);
    };
  }

  /**
   * Moves time forward by `ms` and waits for everything due by then. Listeners run in time
   * order; a listener may schedule the next tick, which runs too if it is due. Every due
   * listener runs even if an earlier one fails; the promise then rejects with the first error.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`ManualClock.advance needs a non-negative number of ms, got ${ms}`);
    }
    const target = this.time + ms;
    const errors: unknown[] = [];
    for (;;) {
      const due = this.nextDue(target);
      if (!due) break;
      this.pending = this.pending.filter((e) => e !== due);
      this.time = Math.max(this.time, due.time);
      try {
        await due.listener(this.time);
      } catch (error) {
        errors.push(error);
      }
    }
    this.time = target;
    if (errors.length > 0) throw errors[0];
  }

  /** Sets the time to `time` (not backwards) and runs what is due, like `advance`. */
  async setTime(time: number): Promise<void> {
    await this.advance(Math.max(0, time - this.time));
  }

  private nextDue(target: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const e of this.pending) if (e.time <= target && (!best || e.time < best.time)) best = e;
    return best;
  }
}
