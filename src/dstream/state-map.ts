// mapWithState's state table, Spark's OpenHashMapBasedStateMap: each batch's table is a `copy()`
// of the previous one, a layer holding only the keys the batch changed over the previous table,
// which stays as it was (an older batch, a snapshot or a checkpoint may still read it). A batch
// then costs what its records touch, not a copy of every key; past DELTA_CHAIN_THRESHOLD layers a
// copy is compacted into one flat table, as Spark's deltaChainThreshold (20) has it.
import { keyId, type KeyId } from '../batch/keys.js';

/** Layers a lookup may walk before a copy flattens them (Spark's DELTA_CHAIN_LENGTH_THRESHOLD). */
export const DELTA_CHAIN_THRESHOLD = 20;

/** A layer's record of one key: its value, or that it was removed. */
interface Change<K, V> {
  /** The key as first seen (kept from below when the key was there). */
  key: K;
  value: V;
  removed: boolean;
  /** Not at the position it has below: new in this layer, or removed and added again (appended). */
  fresh: boolean;
}

/**
 * A map keyed by value equality (as {@link KeyMap}), iterated in first-insertion order: setting a
 * present key keeps its place, a key removed and set again goes to the end.
 */
export class StateMap<K, V> {
  private readonly changes = new Map<KeyId, Change<K, V>>();
  private count: number;

  private constructor(
    private readonly parent: StateMap<K, V> | undefined,
    private readonly depth: number,
  ) {
    this.count = parent?.size ?? 0;
  }

  /** An empty map. */
  static empty<K, V>(): StateMap<K, V> {
    return new StateMap<K, V>(undefined, 0);
  }

  /** Number of keys. */
  get size(): number {
    return this.count;
  }

  /**
   * A map with this one's contents whose changes leave this one as it is. This map must not be
   * changed afterwards (the copy reads through to it).
   */
  copy(): StateMap<K, V> {
    if (this.depth < DELTA_CHAIN_THRESHOLD) return new StateMap(this, this.depth + 1);
    const flat = StateMap.empty<K, V>();
    for (const [k, v] of this.entries()) flat.set(k, v);
    return flat;
  }

  /** The value for `key`, if present. */
  get(key: K): V | undefined {
    return this.find(keyId(key))?.value;
  }

  /** True when `key` is present. */
  has(key: K): boolean {
    return this.find(keyId(key)) !== undefined;
  }

  /** Sets `key` to `value`. */
  set(key: K, value: V): void {
    const id = keyId(key);
    const mine = this.changes.get(id);
    if (mine !== undefined && !mine.removed) {
      mine.value = value;
      return;
    }
    const below = mine === undefined ? this.parent?.find(id) : undefined;
    if (below !== undefined) {
      this.changes.set(id, { key: below.key, value, removed: false, fresh: false });
      return;
    }
    // Removed here, or never seen: a new key, at the end.
    this.count++;
    this.changes.delete(id);
    this.changes.set(id, { key, value, removed: false, fresh: true });
  }

  /** Removes `key`; false when it was not present. */
  delete(key: K): boolean {
    const id = keyId(key);
    const mine = this.changes.get(id);
    const below = mine === undefined || mine.fresh ? this.parent?.find(id) : undefined;
    if (mine?.removed || (mine === undefined && below === undefined)) return false;
    this.count--;
    this.changes.delete(id);
    // A key the layers below hold must be hidden; one only this layer had is simply gone.
    if (below !== undefined || (mine !== undefined && !mine.fresh)) {
      this.changes.set(id, { key, value: undefined as V, removed: true, fresh: false });
    }
    return true;
  }

  /** Entries in first-insertion order, as fresh tuples. */
  *entries(): IterableIterator<[K, V]> {
    if (this.parent !== undefined) {
      for (const [k, v, id] of this.parent.entriesWithIds()) {
        const mine = this.changes.get(id);
        if (mine === undefined) yield [k, v];
        else if (!mine.removed && !mine.fresh) yield [k, mine.value];
      }
    }
    for (const c of this.changes.values()) if (c.fresh && !c.removed) yield [c.key, c.value];
  }

  /** Keys in first-insertion order. */
  *keys(): IterableIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  private *entriesWithIds(): IterableIterator<[K, V, KeyId]> {
    for (const [k, v] of this.entries()) yield [k, v, keyId(k)];
  }

  /** The live record of `id` in this map or the layers below. */
  private find(id: KeyId): Change<K, V> | undefined {
    for (let layer: StateMap<K, V> | undefined = this; layer !== undefined; layer = layer.parent) {
      const c = layer.changes.get(id);
      if (c !== undefined) return c.removed ? undefined : c;
    }
    return undefined;
  }
}
