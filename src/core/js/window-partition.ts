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
  /** Changes whenever a key comes or goes (the keys and their order may differ). */
  private keysVersion = 0;
  /** The keys in order and their slots, as last written out, and the keys version then. */
  private written: { version: number; keys: readonly string[]; slots: Int32Array } | undefined;
  /** Keys removed so far: a slot can change keys only after a removal. */
  private removals = 0;
  /** The slots of the keys of panes added whole, and the removals then (see `subtract`). */
  private readonly paneSlots = new WeakMap<PairColumns, { removals: number; slots: Int32Array }>();

  /**
   * Adds each pair's value to its key's; a key not held comes in with the pair's value. Keys whose
   * sum is then 0 are listed in `zeros`, when given. With `remember`, where the keys went is kept
   * for as long as `columns` lives, so subtracting the same columns later looks no key up.
   */
  add(columns: PairColumns, zeros?: string[], remember = false): void {
    const { keys, values } = columns;
    const slots = remember ? new Int32Array(keys.length) : undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      let s = this.slots.get(key);
      let v = values[i]!;
      if (s === undefined) s = this.insert(key, v);
      else this.values[s] = v = this.values[s]! + v;
      if (slots !== undefined) slots[i] = s;
      if (zeros !== undefined && v === 0) zeros.push(key);
    }
    if (slots !== undefined) this.paneSlots.set(columns, { removals: this.removals, slots });
  }

  /**
   * Subtracts each pair's value from its key's. A key not held is at 0 when `absentIsZero`;
   * otherwise it makes this return false (the partition is then partly updated). Keys whose sum is
   * then 0 are listed in `zeros`, when given.
   */
  subtract(columns: PairColumns, absentIsZero: boolean, zeros?: string[]): boolean {
    const { keys, values } = columns;
    // The pane leaving is usually one added whole W/S slides ago: while no key has left since,
    // its keys are still in the slots they went to (a slide then costs no lookup for it).
    const known = this.paneSlots.get(columns);
    if (known?.removals === this.removals) {
      const { slots } = known;
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        const v = (this.values[s] = this.values[s]! - values[i]!);
        if (zeros !== undefined && v === 0) zeros.push(keys[i]!);
      }
      return true;
    }
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
        this.keysVersion++;
        this.removals++;
      }
    }
  }

  /**
   * The keys in order and their sums. The values are fresh; the keys array is shared with the
   * columns last returned when no key came or went since (columns are never written), so a slide
   * that only changed sums reads no key and copies none.
   */
  columns(): PairColumns {
    const sums = this.values;
    const values = new Float64Array(this.slots.size);
    if (this.written?.version === this.keysVersion) {
      const { keys, slots } = this.written;
      for (let i = 0; i < slots.length; i++) values[i] = sums[slots[i]!]!;
      return { keys, values };
    }
    const keys = new Array<string>(this.slots.size);
    const slots = new Int32Array(this.slots.size);
    let i = 0;
    this.slots.forEach((s, key) => {
      keys[i] = key;
      slots[i] = s;
      values[i++] = sums[s]!;
    });
    this.written = { version: this.keysVersion, keys, slots };
    return { keys, values };
  }

  private insert(key: string, value: number): number {
    const s = this.free.pop() ?? this.used++;
    if (s === this.values.length) {
      const values = new Float64Array(this.values.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.values[s] = value;
    this.slots.set(key, s);
    this.keysVersion++;
    return s;
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
