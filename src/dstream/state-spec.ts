// StateSpec and State: the arguments of mapWithState, with Spark's names and rules.
import { FlintError } from '../errors.js';
import { checkDuration } from '../streaming/duration.js';

/** The state of one key as seen by a `mapWithState` function (Spark's `State`). */
export class State<S> {
  private value: S | undefined;
  private defined = false;
  private removed = false;
  private updated = false;
  private timingOut = false;

  /** Points this object at a key's state; Flint reuses one State per partition. */
  wrap(value: S | undefined, defined: boolean, timingOut = false): this {
    this.value = value;
    this.defined = defined;
    this.removed = false;
    this.updated = false;
    this.timingOut = timingOut;
    return this;
  }

  /** True when the key has a state. */
  exists(): boolean {
    return this.defined;
  }

  /** The state; throws when there is none (check `exists()` or use `getOption()`). */
  get(): S {
    if (!this.defined) throw new FlintError('STATE_ERROR', 'State is not set; check state.exists() or use state.getOption()');
    return this.value as S;
  }

  /** The state, or `undefined` when there is none. */
  getOption(): S | undefined {
    return this.defined ? this.value : undefined;
  }

  /** Sets the state. Not allowed once removed or while timing out. */
  update(value: S): void {
    if (this.removed) throw new FlintError('STATE_ERROR', 'Cannot update the state after it has been removed');
    if (this.timingOut) throw new FlintError('STATE_ERROR', 'Cannot update the state that is timing out');
    this.value = value;
    this.defined = true;
    this.updated = true;
  }

  /** Removes the state. Not allowed twice or while timing out. */
  remove(): void {
    if (this.timingOut) throw new FlintError('STATE_ERROR', 'Cannot remove the state that is timing out');
    if (this.removed) throw new FlintError('STATE_ERROR', 'Cannot remove the state that has already been removed');
    this.removed = true;
    this.defined = false;
    // A removal undoes an update made earlier in the same call, as in Spark: the key is gone.
    this.updated = false;
    this.value = undefined;
  }

  /** True when the function is called because the key has been idle past the timeout. */
  isTimingOut(): boolean {
    return this.timingOut;
  }

  /** True after `remove()` in this call. */
  isRemoved(): boolean {
    return this.removed;
  }

  /** True after `update()` in this call. */
  isUpdated(): boolean {
    return this.updated;
  }
}

/**
 * The function `mapWithState` calls; `value` is `undefined` only when the key is timing out. What
 * it returns is emitted, `undefined` included (as Spark emits whatever the function returns).
 */
export type MappingFunc<K, V, S, M> = (key: K, value: V | undefined, state: State<S>, time: number) => M;

/** Everything `mapWithState` needs, built Spark-style: `StateSpec.function(fn).timeout(ms)`. */
export class StateSpec<K, V, S, M> {
  private timeoutMs: number | undefined;
  private initial: readonly (readonly [K, S])[] = [];
  private partitions: number | undefined;

  private constructor(readonly mappingFunction: MappingFunc<K, V, S, M>) {}

  /**
   * A spec around `fn`. A function written in place that returns a pair maps to pairs:
   * `(word: string, one: number | undefined, state: State<number>) => [word, sum]` gives `[string, number]`.
   */
  static function<K, V, S, MK, MV>(fn: MappingFunc<K, V, S, [MK, MV]>): StateSpec<K, V, S, [MK, MV]>;
  /** A spec around `fn`. */
  static function<K, V, S, M>(fn: MappingFunc<K, V, S, M>): StateSpec<K, V, S, M>;
  static function<K, V, S, M>(fn: MappingFunc<K, V, S, M>): StateSpec<K, V, S, M> {
    if (typeof fn !== 'function') {
      throw new FlintError('INVALID_ARGUMENT', 'StateSpec.function needs a function (key, value, state, time) => mapped');
    }
    return new StateSpec(fn);
  }

  /** Keys idle for longer than `ms` get one last call with `state.isTimingOut()` and are removed. */
  timeout(ms: number): this {
    this.timeoutMs = checkDuration(ms, 'StateSpec timeout', { positive: true });
    return this;
  }

  /** State to start from, as `[key, state]` pairs. */
  initialState(pairs: readonly (readonly [K, S])[]): this {
    this.initial = pairs;
    return this;
  }

  /** Number of partitions of the state. */
  numPartitions(n: number): this {
    if (!Number.isInteger(n) || n < 1) {
      throw new FlintError('INVALID_ARGUMENT', `StateSpec.numPartitions must be a positive integer, got ${n}`);
    }
    this.partitions = n;
    return this;
  }

  /** The timeout, if set. */
  getTimeout(): number | undefined {
    return this.timeoutMs;
  }

  /** The initial state pairs. */
  getInitialState(): readonly (readonly [K, S])[] {
    return this.initial;
  }

  /** The number of partitions, if set. */
  getNumPartitions(): number | undefined {
    return this.partitions;
  }
}
