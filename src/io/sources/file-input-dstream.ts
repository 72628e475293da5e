// FileInputDStream: textFileStream. Each batch picks up files that appeared in a directory since
// the last batch, each exactly once, oldest modification first; one partition per file.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Batch } from '../../batch/batch.js';
import type { DStream } from '../../dstream/dstream.js';
import type { InputOperator, StreamEnv } from '../../dstream/operator.js';
import { FlintError } from '../../errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './line-splitter.js';

/** Options of `textFileStream`. */
export interface FileStreamOptions {
  /** Longest line accepted, in bytes; longer lines are reported and skipped (default 64 MiB). */
  maxLineBytes?: number;
}

/**
 * Names that are never read: dotfiles (`.part`, editors' swap files) and the temporary names
 * copy tools use while writing. Write elsewhere, then move the finished file into the directory.
 */
export function isIgnoredFileName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_') || name.endsWith('._COPYING_') || name.endsWith('.tmp');
}

/** Spark's `FileInputDStream` for text files. */
export class FileInputDStream implements InputOperator<string> {
  readonly dependencies: readonly DStream<unknown>[] = [];
  readonly slideDuration: number;
  readonly name: string;
  private readonly seen = new Set<string>();
  private readonly maxLineBytes: number;
  /** Lines skipped for exceeding `maxLineBytes`. */
  droppedLines = 0;

  constructor(
    private readonly env: StreamEnv,
    readonly directory: string,
    options: FileStreamOptions = {},
  ) {
    if (typeof directory !== 'string' || directory === '') {
      throw new FlintError('INVALID_ARGUMENT', 'textFileStream needs a directory path');
    }
    this.slideDuration = env.batchInterval;
    this.name = `FileInputDStream(${directory})`;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  async start(): Promise<void> {
    const info = await stat(this.directory).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new FlintError('SOURCE_ERROR', `textFileStream directory "${this.directory}" does not exist or is not a directory; create it before start()`);
    }
    // Files already there at start are not new data.
    for (const name of await readdir(this.directory)) this.seen.add(name);
  }

  async stop(): Promise<void> {}

  async compute(): Promise<Batch<string>> {
    const files = await this.newFiles();
    const partitions: string[][] = [];
    for (const file of files) {
      const lines = await this.readLines(file.name);
      if (lines) partitions.push(lines);
    }
    return new Batch(partitions);
  }

  private async newFiles(): Promise<{ name: string; mtimeMs: number }[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      this.env.reportSourceError({ source: this.name, message: `cannot list "${this.directory}": ${(error as Error).message}`, error });
      return [];
    }
    const present = new Set(names);
    // Forget names that left the directory, so the set does not grow forever.
    for (const name of this.seen) if (!present.has(name)) this.seen.delete(name);
    const candidates = names.filter((n) => !this.seen.has(n) && !isIgnoredFileName(n));
    const files: { name: string; mtimeMs: number }[] = [];
    for (const name of candidates) {
      const info = await stat(join(this.directory, name)).catch(() => undefined);
      if (info?.isFile()) files.push({ name, mtimeMs: info.mtimeMs });
    }
    return files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async readLines(name: string): Promise<string[] | undefined> {
    this.seen.add(name);
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.directory, name));
    } catch (error) {
      this.env.reportSourceError({ source: this.name, message: `cannot read "${name}": ${(error as Error).message}; file skipped`, error });
      return undefined;
    }
    const splitter = new LineSplitter(this.maxLineBytes, (n) => {
      this.droppedLines++;
      this.env.reportSourceError({
        source: this.name,
        message: `line of more than ${this.maxLineBytes} bytes (${n} so far) in "${name}" skipped; raise maxLineBytes if such lines are expected`,
      });
    });
    return [...splitter.push(bytes), ...splitter.end()];
  }
}
