// The state store of one stateful operator (Spark's HDFSBackedStateStore): a key-value map
// versioned by batch. Each commit writes the batch's changes as `<version>.delta` under
// `state/<operatorId>/0/`, every 10th version also a full `<version>.snapshot`; loading a version
// reads the newest snapshot at or before it, then the deltas after. Files are checked files.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_KIND, readCheckedFile, removeFile, writeCheckedFile } from '../../checkpoint/checked-file.js';
import type { Value } from '../schema.js';
import { decodeJson, encodeJson } from './value-codec.js';

/** Versions between full snapshots (Spark's `spark.sql.streaming.stateStore.minDeltasForSnapshot`). */
export const SNAPSHOT_EVERY = 10;
/** Versions kept on disk (Spark's `spark.sql.streaming.minBatchesToRetain`, default 100). */
export const MIN_VERSIONS_TO_RETAIN = 100;

interface Delta {
  puts: [string, Value][];
  removes: string[];
}

/** A versioned key-value map kept in a checkpoint directory (or only in memory without one). */
export class StateStore {
  private readonly map = new Map<string, Value>();
  private puts = new Map<string, Value>();
  private removes = new Set<string>();
  private version = 0;

  /** `dir` is `<checkpoint>/state/<operatorId>/0`, or undefined to keep state in memory only. */
  constructor(private readonly dir: string | undefined) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  /** Loads `version` (0: empty) from the files. */
  load(version: number): void {
    this.map.clear();
    this.puts.clear();
    this.removes.clear();
    this.version = version;
    if (version === 0 || !this.dir) return;
    const files = readdirSync(this.dir);
    let base = 0;
    for (let v = version; v > 0; v--) {
      if (files.includes(`${v}.snapshot`)) {
        base = v;
        for (const [k, val] of decodeJson(this.read(`${v}.snapshot`)) as [string, Value][]) this.map.set(k, val);
        break;
      }
    }
    for (let v = base + 1; v <= version; v++) {
      const delta = decodeJson(this.read(`${v}.delta`)) as Delta;
      for (const [k, val] of delta.puts) this.map.set(k, val);
      for (const k of delta.removes) this.map.delete(k);
    }
  }

  /** The value of `key`. */
  get(key: string): Value | undefined {
    return this.map.get(key);
  }

  /** Sets `key`. */
  put(key: string, value: Value): void {
    this.map.set(key, value);
    if (!this.dir) return;
    this.puts.set(key, value);
    this.removes.delete(key);
  }

  /** Removes `key`. */
  remove(key: string): void {
    if (!this.map.delete(key) || !this.dir) return;
    this.puts.delete(key);
    this.removes.add(key);
  }

  /** Every entry; removing the current entry while iterating is allowed (a Map's iterator). */
  entries(): IterableIterator<[string, Value]> {
    return this.map.entries();
  }

  /** True when commits write files (a checkpoint location is set). */
  get durable(): boolean {
    return this.dir !== undefined;
  }

  /** Number of keys (Spark's `numRowsTotal`). */
  get size(): number {
    return this.map.size;
  }

  /** Version this store holds after its last commit (the batch id + 1, as Spark's). */
  get committedVersion(): number {
    return this.version;
  }

  /** Writes this batch's changes as version `version`. */
  async commit(version: number): Promise<void> {
    if (this.dir) {
      const delta: Delta = { puts: [...this.puts], removes: [...this.removes] };
      await writeCheckedFile(join(this.dir, `${version}.delta`), FILE_KIND.sqlState, [Buffer.from(encodeJson(delta))]);
      if (version % SNAPSHOT_EVERY === 0) {
        await writeCheckedFile(join(this.dir, `${version}.snapshot`), FILE_KIND.sqlState, [Buffer.from(encodeJson([...this.map]))]);
        await this.cleanup(version);
      }
    }
    this.puts = new Map();
    this.removes = new Set();
    this.version = version;
  }

  /** A rough size of the state in bytes (Spark's `memoryUsedBytes`; an estimate). */
  estimateBytes(): number {
    let bytes = 0;
    for (const [k, v] of this.map) bytes += 48 + 2 * k.length + (typeof v === 'string' ? 2 * v.length : 32);
    return bytes;
  }

  private read(name: string): string {
    return readCheckedFile(join(this.dir!, name), FILE_KIND.sqlState).toString('utf8');
  }

  // Files no version >= (version - MIN_VERSIONS_TO_RETAIN) needs: before the newest snapshot at or under that.
  private async cleanup(version: number): Promise<void> {
    const keepFrom = version - MIN_VERSIONS_TO_RETAIN;
    if (keepFrom <= 0) return;
    const files = readdirSync(this.dir!);
    const snapshots = files.filter((f) => f.endsWith('.snapshot')).map((f) => Number.parseInt(f, 10)).filter((v) => v <= keepFrom);
    if (snapshots.length === 0) return;
    const base = Math.max(...snapshots);
    for (const f of files) if (/^\d+\.(delta|snapshot)$/.test(f) && Number.parseInt(f, 10) < base) await removeFile(join(this.dir!, f));
  }
}
