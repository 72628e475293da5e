// GroupState: the per-key state a mapGroupsWithState function reads and updates (Spark's
// GroupStateImpl), with processing-time and event-time timeouts.
import { FlintError } from '../../errors.js';
import { parseInterval } from '../interval.js';

/** When a group with no new rows is called with `hasTimedOut` (Spark's `GroupStateTimeout`). */
export type GroupStateTimeout = 'NoTimeout' | 'ProcessingTimeTimeout' | 'EventTimeTimeout';

/** Spark's `GroupStateTimeout` values. */
export const GroupStateTimeout = {
  NoTimeout: 'NoTimeout',
  ProcessingTimeTimeout: 'ProcessingTimeTimeout',
  EventTimeTimeout: 'EventTimeTimeout',
} as const satisfies Record<GroupStateTimeout, GroupStateTimeout>;

/** No timeout set for the group. */
export const NO_TIMESTAMP = -1;

/** The state of one group key in mapGroupsWithState (Spark's `GroupState[S]`). */
export class GroupState<S> {
  private value: S | undefined;
  private defined: boolean;
  private removed = false;
  private updated = false;
  private timeoutTimestamp = NO_TIMESTAMP;

  constructor(
    initial: S | undefined,
    private readonly timeoutConf: GroupStateTimeout,
    private readonly batchProcessingTimeMs: number,
    private readonly watermarkMs: number | undefined,
    /** True when the function is called because the group timed out. */
    readonly hasTimedOut: boolean,
  ) {
    this.value = initial;
    this.defined = initial !== undefined;
  }

  /** True when the group has state. */
  get exists(): boolean {
    return this.defined;
  }

  /** The state; throws when there is none (Spark's `get`). */
  get(): S {
    if (!this.defined) throw new FlintError('STATE_ERROR', 'GroupState.get: the group has no state; check state.exists or use getOption()');
    return this.value as S;
  }

  /** The state, or undefined. */
  getOption(): S | undefined {
    return this.defined ? this.value : undefined;
  }

  /** Sets the state. */
  update(newState: S): void {
    if (newState === undefined || newState === null) throw new FlintError('STATE_ERROR', "GroupState.update: the state cannot be null or undefined; use remove() to drop it");
    this.value = newState;
    this.defined = true;
    this.removed = false;
    this.updated = true;
  }

  /** Removes the state (and its timeout). */
  remove(): void {
    this.value = undefined;
    this.defined = false;
    this.removed = true;
    this.updated = false;
    this.timeoutTimestamp = NO_TIMESTAMP;
  }

  /** ProcessingTimeTimeout: time out after `duration` (ms or `'10 seconds'`) without rows. */
  setTimeoutDuration(duration: number | string): void {
    if (this.timeoutConf !== 'ProcessingTimeTimeout') {
      throw new FlintError('STATE_ERROR', 'setTimeoutDuration needs GroupStateTimeout.ProcessingTimeTimeout in [flat]mapGroupsWithState');
    }
    const ms = parseInterval(duration, 'setTimeoutDuration');
    if (ms <= 0) throw new FlintError('STATE_ERROR', 'setTimeoutDuration: the timeout must be greater than 0');
    this.timeoutTimestamp = this.batchProcessingTimeMs + ms;
  }

  /** EventTimeTimeout: time out once the watermark passes `timestampMs`. */
  setTimeoutTimestamp(timestampMs: number | Date): void {
    if (this.timeoutConf !== 'EventTimeTimeout') {
      throw new FlintError('STATE_ERROR', 'setTimeoutTimestamp needs GroupStateTimeout.EventTimeTimeout in [flat]mapGroupsWithState');
    }
    const ms = timestampMs instanceof Date ? timestampMs.getTime() : timestampMs;
    if (this.watermarkMs !== undefined && ms <= this.watermarkMs) {
      throw new FlintError('STATE_ERROR', `setTimeoutTimestamp: ${ms} is not after the current watermark ${this.watermarkMs}`);
    }
    this.timeoutTimestamp = ms;
  }

  /** The current watermark in ms (Spark's `getCurrentWatermarkMs`). */
  getCurrentWatermarkMs(): number {
    if (this.watermarkMs === undefined) throw new FlintError('STATE_ERROR', 'getCurrentWatermarkMs needs withWatermark on the input');
    return this.watermarkMs;
  }

  /** The batch's processing time in ms. */
  getCurrentProcessingTimeMs(): number {
    return this.batchProcessingTimeMs;
  }

  /** What the function did, for the operator. */
  outcome(): { removed: boolean; updated: boolean; value: S | undefined; timeoutTimestamp: number } {
    return { removed: this.removed, updated: this.updated, value: this.value, timeoutTimestamp: this.timeoutTimestamp };
  }
}
