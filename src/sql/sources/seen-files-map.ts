// Which files a file source has taken already, bounded by age (Spark's FileStreamSource.SeenFilesMap).
/**
 * The files already taken (Spark's SeenFilesMap): a file is new when unseen and not older than
 * the last purge's threshold, the newest timestamp seen minus `maxAgeMs`; older entries are purged.
 */
export class SeenFilesMap {
  private readonly files = new Map<string, number>();
  private latestTimestamp = 0;
  private lastPurgeTimestamp = 0;

  /** With `fileNameOnly` (Spark's option), files are told apart by name alone, not by path. */
  constructor(
    private readonly maxAgeMs: number,
    private readonly fileNameOnly = false,
  ) {}

  /** Remembers `path`, last modified at `timestamp`. */
  add(path: string, timestamp: number): void {
    this.files.set(this.keyOf(path), timestamp);
    if (timestamp > this.latestTimestamp) this.latestTimestamp = timestamp;
  }

  // Tested against the last purge, not against the newest timestamp, so a file is never missed
  // for being older than the threshold before its peers were purged.
  isNewFile(path: string, timestamp: number): boolean {
    return timestamp >= this.lastPurgeTimestamp && !this.files.has(this.keyOf(path));
  }

  /** What tells files apart: the path, or the name alone with `fileNameOnly`. */
  keyOf(path: string): string {
    return this.fileNameOnly ? path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1) : path;
  }

  /** Forgets the files older than the newest minus `maxAgeMs`; returns how many. */
  purge(): number {
    const before = this.files.size;
    this.lastPurgeTimestamp = this.latestTimestamp - this.maxAgeMs;
    for (const [path, t] of this.files) if (t < this.lastPurgeTimestamp) this.files.delete(path);
    return before - this.files.size;
  }

  /** Files remembered. */
  get size(): number {
    return this.files.size;
  }
}
