// The console sink (Spark's ConsoleWrite): each batch as a `Batch: N` header and a table.
import type { TextOutput } from '../../dstream/operator.js';
import { FlintError } from '../../errors.js';
import type { Row, StructType } from '../schema.js';
import { showString } from '../show-string.js';
import type { Sink } from './sink.js';

const RULE = '-------------------------------------------';

/** Prints batches with Spark's console format; options `numRows` (default 20) and `truncate` (default true). */
export class ConsoleSink implements Sink {
  readonly description: string;
  private readonly numRows: number;
  private readonly truncate: boolean;

  constructor(
    private readonly out: TextOutput,
    options: ReadonlyMap<string, string>,
    /** The session time zone timestamps are shown in. */
    private readonly timeZone = 'UTC',
  ) {
    this.numRows = Number(options.get('numrows') ?? 20);
    if (!Number.isInteger(this.numRows) || this.numRows < 0) throw new FlintError('INVALID_ARGUMENT', `console sink: option numRows must be a whole number >= 0, got ${options.get('numrows')}`);
    const t = (options.get('truncate') ?? 'true').toLowerCase();
    if (t !== 'true' && t !== 'false') throw new FlintError('INVALID_ARGUMENT', `console sink: option truncate must be true or false, got ${t}`);
    this.truncate = t === 'true';
    this.description = 'ConsoleSink';
  }

  addBatch(batchId: number, rows: readonly Row[], schema: StructType): void {
    this.out.write(`${RULE}\nBatch: ${batchId}\n${RULE}\n${showString(rows, schema, this.numRows, this.truncate ? 20 : 0, this.timeZone)}\n`);
  }
}
