// One partition of the js core's resident sum window: keys in window order in a Map, each mapped
// to a slot of a Float64Array, so a key costs one lookup per pane and no boxed number per value.
import type { Batch } from '../../batch/batch.js';
import { NumberPairsBatch, type PairColumns } from '../../batch/number-pairs.js';

/** Keys with their sums; a key keeps its place until it is removed. */
export class WindowPartition {
  private readonly slots = new Map<string, number>();
  private values = new Float64Array(64);
  private readonly free: number[] = [];
  private used = 0;

  /**
   * Adds each pair's value to its key's; a key not held comes in with the pair's value. Keys whose
   * sum is then 0 are listed in `zeros`, when given.
   */
  add({ keys, values }: PairColumns, zeros?: string[]): void {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const s = this.slots.get(key);
      let v = values[i]!;
      if (s === undefined) this.insert(key, v);
      else this.values[s] = v = this.values[s]! + v;
      if (zeros !== undefined && v === 0) zeros.push(key);
    }
  }

  /**
   * Subtracts each pair's value from its key's. A key not held is at 0 when `absentIsZero`;
   * otherwise it makes this return false (the partition is then partly updated). Keys whose sum is
   * then 0 are listed in `zeros`, when given.
   */
  subtract({ keys, values }: PairColumns, absentIsZero: boolean, zeros?: string[]): boolean {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const s = this.slots.get(key);
      let v: number;
      if (s !== undefined) {
        this.values[s] = v = this.values[s]! - values[i]!;
      } else if (absentIsZero) {
        this.insert(key, (v = 0 - values[i]!));
      } else {
        return false;
      }
      if (zeros !== undefined && v === 0) zeros.push(key);
    }
    return true;
  }

  /** Removes the keys of `keys` whose sum is 0. */
  dropZeros(keys: readonly string[]): void {
    for (const key of keys) {
      const s = this.slots.get(key);
      if (s !== undefined && this.values[s] === 0) {
        this.slots.delete(key);
        this.free.push(s);
      }
    }
  }

  /** The keys in order and their sums, as fresh columns. */
  columns(): PairColumns {
    const keys = new Array<string>(this.slots.size);
    const values = new Float64Array(this.slots.size);
    const sums = this.values;
    let i = 0;
    this.slots.forEach((s, key) => {
      keys[i] = key;
      values[i++] = sums[s]!;
    });
    return { keys, values };
  }

  private insert(key: string, value: number): void {
    const s = this.free.pop() ?? this.used++;
    if (s === this.values.length) {
      const values = new Float64Array(this.values.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.values[s] = value;
    this.slots.set(key, s);
  }
}

/**
 * The columns of each partition of `batch`: a NumberPairsBatch's own, or read off its pairs;
 * undefined when some element is not a `[string, number]` pair.
 */
export function columnsOf(batch: Batch<unknown>): readonly PairColumns[] | undefined {
  if (batch instanceof NumberPairsBatch) return batch.columns;
  const out: PairColumns[] = [];
  for (const partition of batch.partitions) {
    const keys = new Array<string>(partition.length);
    const values = new Float64Array(partition.length);
    for (let i = 0; i < partition.length; i++) {
      const pair = partition[i] as readonly unknown[] | null | undefined;
      const key = pair?.[0];
      const value = pair?.[1];
      if (typeof key !== 'string' || typeof value !== 'number') return undefined;
      keys[i] = key;
      values[i] = value;
    }
    out.push({ keys, values });
  }
  return out;
}
