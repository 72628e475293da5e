// Key identity and hashing for pair operations: keys compare by value, as Scala tuples and case
// classes do, so `['a', 1]` built twice is one key.
import { hashString } from './hash.js';

/** What a key is stored under in a JS Map: primitives as themselves, composites as canonical text. */
export type KeyId = string | number | bigint | boolean | null | undefined | symbol;

/** A value-equality identity for `key`. */
export function keyId(key: unknown): KeyId {
  if (key === null || typeof key !== 'object') return key as KeyId;
  // \u0001 cannot start a canonical string key produced by callers by accident in practice,
  // and keeps composite keys apart from plain strings.
  return '\u0001' + canonical(key);
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return `D${value.getTime()}`;
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/**
 * The partitioning hash of a key: xxHash32 of the UTF-8 text of a string key, of the decimal
 * text of a number, and of the canonical text of anything else.
 */
export function keyHash(key: unknown): number {
  if (typeof key === 'string') return hashString(key);
  if (key === null || typeof key !== 'object') return hashString(String(key));
  return hashString(canonical(key));
}

/** The partition (0 .. n-1) a key belongs to under hash partitioning into `n` partitions. */
export function partitionOf(key: unknown, n: number): number {
  return n === 1 ? 0 : keyHash(key) % n;
}

/** A Map keyed by value-equality that remembers each key's first-seen original. */
export class KeyMap<K, V> {
  private readonly map = new Map<KeyId, [K, V]>();

  /** Number of keys. */
  get size(): number {
    return this.map.size;
  }

  /** The entry for `key`, if present. */
  getEntry(key: K): [K, V] | undefined {
    return this.map.get(keyId(key));
  }

  /** The value for `key`, if present. */
  get(key: K): V | undefined {
    return this.map.get(keyId(key))?.[1];
  }

  /** True when `key` is present. */
  has(key: K): boolean {
    return this.map.has(keyId(key));
  }

  /** Sets `key` to `value`, keeping the key's first-insertion position. */
  set(key: K, value: V): void {
    const id = keyId(key);
    const entry = this.map.get(id);
    if (entry) entry[1] = value;
    else this.map.set(id, [key, value]);
  }

  /** Removes `key`. */
  delete(key: K): boolean {
    return this.map.delete(keyId(key));
  }

  /** Entries in first-insertion order, as fresh tuples. */
  *entries(): IterableIterator<[K, V]> {
    for (const [k, v] of this.map.values()) yield [k, v];
  }

  /** Keys in first-insertion order. */
  *keys(): IterableIterator<K> {
    for (const entry of this.map.values()) yield entry[0];
  }
}
