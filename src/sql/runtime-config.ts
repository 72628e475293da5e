// RuntimeConfig (Spark's `spark.conf`): string settings of a session by Spark's key names. The
// keys Flint reads are listed in CONF; any other key is kept, as Spark keeps unknown keys.
import { FlintError } from '../errors.js';
import { DEFAULT_COMPACTION, type CompactionSettings } from './checkpoint/compactible-log.js';
import { parseInterval } from './interval.js';
import { checkTimeZone } from './time-zone.js';

/** The keys Flint reads, with Spark's defaults. */
export const CONF = {
  minBatchesToRetain: 'spark.sql.streaming.minBatchesToRetain',
  fileSinkLogCompactInterval: 'spark.sql.streaming.fileSink.log.compactInterval',
  fileSinkLogDeletion: 'spark.sql.streaming.fileSink.log.deletion',
  fileSinkLogCleanupDelay: 'spark.sql.streaming.fileSink.log.cleanupDelay',
  fileSourceLogCompactInterval: 'spark.sql.streaming.fileSource.log.compactInterval',
  fileSourceLogDeletion: 'spark.sql.streaming.fileSource.log.deletion',
  fileSourceLogCleanupDelay: 'spark.sql.streaming.fileSource.log.cleanupDelay',
  sessionTimeZone: 'spark.sql.session.timeZone',
} as const;

/** A session's settings (Spark's `RuntimeConfig`). */
export class RuntimeConfig {
  private readonly values = new Map<string, string>();

  constructor(initial: Readonly<Record<string, string | number | boolean>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.set(k, v);
  }

  /** Sets `key` (numbers and booleans are kept as their text, as Spark does). */
  set(key: string, value: string | number | boolean): void {
    this.values.set(key, String(value));
  }

  /** The value of `key`, or `fallback`; throws when neither exists, as Spark's `get(key)`. */
  get(key: string, fallback?: string): string {
    const v = this.values.get(key) ?? fallback;
    if (v === undefined) throw new FlintError('INVALID_ARGUMENT', `conf: ${key} is not set`);
    return v;
  }

  /** The value of `key`, if set. */
  getOption(key: string): string | undefined {
    return this.values.get(key);
  }

  /** Removes `key`. */
  unset(key: string): void {
    this.values.delete(key);
  }

  /** Every key set, as an object. */
  getAll(): Record<string, string> {
    return Object.fromEntries(this.values);
  }

  /** `spark.sql.session.timeZone`, where timestamps are shown (default `UTC`). */
  sessionTimeZone(): string {
    return checkTimeZone(this.getOption(CONF.sessionTimeZone) ?? 'UTC');
  }

  /** `spark.sql.streaming.minBatchesToRetain` (default 100). */
  minBatchesToRetain(): number {
    return this.positiveInt(CONF.minBatchesToRetain, DEFAULT_COMPACTION.minBatchesToRetain);
  }

  /** The file sink's or the file source's log settings. */
  compaction(log: 'fileSink' | 'fileSource'): CompactionSettings {
    const keys =
      log === 'fileSink'
        ? [CONF.fileSinkLogCompactInterval, CONF.fileSinkLogDeletion, CONF.fileSinkLogCleanupDelay]
        : [CONF.fileSourceLogCompactInterval, CONF.fileSourceLogDeletion, CONF.fileSourceLogCleanupDelay];
    const deletion = this.getOption(keys[1]!) ?? 'true';
    if (deletion !== 'true' && deletion !== 'false') throw new FlintError('INVALID_ARGUMENT', `conf: ${keys[1]} must be true or false, got ${deletion}`);
    const delay = this.getOption(keys[2]!);
    return {
      compactInterval: this.positiveInt(keys[0]!, DEFAULT_COMPACTION.compactInterval),
      deletion: deletion === 'true',
      // Spark reads a bare number as milliseconds for this key.
      cleanupDelayMs: delay === undefined ? DEFAULT_COMPACTION.cleanupDelayMs : /^\d+$/.test(delay) ? Number(delay) : parseInterval(delay, keys[2]!),
      minBatchesToRetain: this.minBatchesToRetain(),
    };
  }

  private positiveInt(key: string, fallback: number): number {
    const raw = this.getOption(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new FlintError('INVALID_ARGUMENT', `conf: ${key} must be a positive integer, got ${raw}`);
    return n;
  }
}
