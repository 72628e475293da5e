// FileInputDStream: textFileStream. Each batch picks up files that appeared in a directory since
// the last batch, each exactly once, oldest modification first; one partition per file.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Batch } from '../../batch/batch.js';
import { TextBatch, type LineBlock } from '../../batch/text-batch.js';
import type { DStream } from '../../dstream/dstream.js';
import type { InputOperator, RecoverableInput, StreamEnv } from '../../dstream/operator.js';
import { FlintError } from '../../errors.js';
import { checkMaxLineBytes, LineSplitter, lineTooLongError } from './line-splitter.js';

/** Options of `textFileStream`. */
export interface FileStreamOptions {
  /**
   * Longest line accepted, in bytes, not counting the line ending (default 64 MiB). A longer
   * line is skipped and reported to listeners' `onReceiverError`; the message names how many
   * lines were skipped so far.
   */
  maxLineBytes?: number;
}

/**
 * Names that are never read because they mark files still being written: dotfiles (rsync's
 * `.name.XXXXXX`, editors' swap files), Hadoop's `_SUCCESS` / `_temporary` markers, and the
 * temporary names of `hadoop fs -put` (`*._COPYING_`) and many tools (`*.tmp`).
 */
export function isIgnoredFileName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_') || name.endsWith('._COPYING_') || name.toLowerCase().endsWith('.tmp');
}

interface NewFile {
  name: string;
  mtimeMs: number;
}

/**
 * Spark's `FileInputDStream` for text files (`ssc.textFileStream(dir)`).
 *
 * Files must appear atomically: write them elsewhere (or under an ignored name) and move them
 * into the directory when complete. Each file name is read once while it stays in the
 * directory; files present at start() are not read. A name that is deleted and later reused is
 * a new file. A file's lines are read as UTF-8 (invalid bytes become U+FFFD, a leading byte
 * order mark is dropped) and form one partition of the batch.
 */
export class FileInputDStream implements InputOperator<string> {
  readonly dependencies: readonly DStream<unknown>[] = [];
  readonly slideDuration: number;
  readonly name: string;
  /** Names already read or present at start; only names still in the directory are kept. */
  private readonly seen = new Set<string>();
  private readonly maxLineBytes: number;
  private dropped = 0;
  private listingFailed = false;
  /** The files the latest batch read, in order (its record is taken right after it is computed). */
  private lastTaken = { time: NaN, files: [] as string[] };
  /** After a restart: the files each re-run batch reads. */
  private replays: ReadonlyMap<number, unknown> = new Map();
  private restored = false;

  /**
   * The position is the set of names already taken (or present at the first start); a batch's
   * record is the list of files it read, which a re-run batch reads again, in the same order.
   */
  readonly recovery: RecoverableInput = {
    batchRecord: (time) => (this.lastTaken.time === time ? this.lastTaken.files : []),
    position: () => [...this.seen],
    restore: (position, replays) => {
      this.restored = true;
      for (const name of position as string[]) this.seen.add(name);
      for (const files of replays.values()) for (const name of files as string[]) this.seen.add(name);
      this.replays = replays;
    },
  };

  /** Checks the arguments; the directory itself is checked by start(). */
  constructor(
    private readonly env: StreamEnv,
    readonly directory: string,
    options: FileStreamOptions = {},
  ) {
    if (typeof directory !== 'string' || directory === '') {
      throw new FlintError('INVALID_ARGUMENT', 'textFileStream needs a directory path, e.g. ssc.textFileStream("/data/incoming")');
    }
    this.slideDuration = env.batchInterval;
    this.name = `FileInputDStream(${directory})`;
    this.maxLineBytes = checkMaxLineBytes(options.maxLineBytes, 'textFileStream');
  }

  /** Lines skipped so far for exceeding `maxLineBytes`. */
  get droppedLines(): number {
    return this.dropped;
  }

  /** Fails with a FlintError when the directory is missing or unreadable; remembers its files. */
  async start(): Promise<void> {
    let names: string[];
    try {
      const info = await stat(this.directory);
      if (!info.isDirectory()) throw new Error('it is not a directory');
      names = await readdir(this.directory);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
      throw new FlintError(
        'SOURCE_ERROR',
        `textFileStream directory "${this.directory}" cannot be watched: ${why}; create the directory before ssc.start()`,
        { cause: error },
      );
    }
    // Files already there at start are not new data; after a restart, those that came while the
    // program was down are.
    if (!this.restored) for (const name of names) this.seen.add(name);
  }

  /** Nothing to release: the directory is only read during compute. */
  async stop(): Promise<void> {}

  /**
   * The lines of the files that appeared since the previous batch, one partition per file; a
   * batch re-run after a restart reads the files it read before.
   */
  async compute(time: number): Promise<Batch<string>> {
    const replay = this.replays.get(time) as string[] | undefined;
    const names = replay ?? (await this.newFiles()).map((f) => f.name);
    this.lastTaken = { time, files: names };
    const partitions: LineBlock[][] = [];
    for (const name of names) {
      const blocks = await this.readLines(name);
      if (blocks) partitions.push(blocks);
    }
    return new TextBatch(partitions);
  }

  private async newFiles(): Promise<NewFile[]> {
    const names = await this.list();
    if (!names) return [];
    const present = new Set(names);
    // Forget names that left the directory: the set stays small, and a reused name is new.
    for (const name of this.seen) if (!present.has(name)) this.seen.delete(name);
    const files: NewFile[] = [];
    for (const name of names) {
      if (this.seen.has(name) || isIgnoredFileName(name)) continue;
      const info = await stat(join(this.directory, name)).catch(() => undefined);
      if (!info) continue; // gone again (moved on by another consumer): nothing to read
      this.seen.add(name);
      if (info.isFile()) files.push({ name, mtimeMs: info.mtimeMs });
    }
    return files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  // Lists the directory; a failure is reported once per outage, not once per batch.
  private async list(): Promise<string[] | undefined> {
    try {
      const names = await readdir(this.directory);
      this.listingFailed = false;
      return names;
    } catch (error) {
      if (!this.listingFailed) {
        this.env.reportSourceError({ source: this.name, message: `cannot list "${this.directory}": ${(error as Error).message}; retrying every batch`, error });
      }
      this.listingFailed = true;
      return undefined;
    }
  }

  // Streams the file through a LineSplitter, so a huge line is dropped without being buffered.
  private async readLines(name: string): Promise<LineBlock[] | undefined> {
    const splitter = new LineSplitter(
      this.maxLineBytes,
      () => {
        this.dropped++;
        const error = lineTooLongError(this.maxLineBytes, `in "${name}"`, this.dropped);
        this.env.reportSourceError({ source: this.name, message: error.message, error, droppedRecords: this.dropped });
      },
      { skipBom: true },
    );
    const blocks: LineBlock[] = [];
    try {
      for await (const chunk of createReadStream(join(this.directory, name))) {
        for (const block of splitter.pushBlocks(chunk as Buffer)) blocks.push(block);
      }
    } catch (error) {
      this.env.reportSourceError({ source: this.name, message: `cannot read "${name}": ${(error as Error).message}; file skipped`, error });
      return undefined;
    }
    const last = splitter.endBlock();
    if (last) blocks.push(last);
    return blocks;
  }
}
