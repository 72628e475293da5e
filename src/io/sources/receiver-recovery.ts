// ReceiverRecovery: how a receiver stream's batches survive a restart (Spark's
// ReceivedBlockTracker with a write-ahead log). With the log on, every stored piece is appended
// before it joins a batch, and a batch's record is its log range, so a re-run batch is rebuilt
// from the log; pieces logged but never given to a batch join the first new one. Without the
// log, data received by a process that died is gone: a re-run batch is empty, and says so.
import { Batch } from '../../batch/batch.js';
import type { WriteAheadLogOptions } from '../../checkpoint/write-ahead-log.js';
import type { RecoverableInput } from '../../dstream/operator.js';
import { ReceivedBlockLog } from './received-block-log.js';
import { ReceivedData } from './received-data.js';
import type { Piece } from './receiver-flow.js';

/** A batch's log range `[from, to)`. */
type Range = readonly [from: number, to: number];

/** The recovery side of one receiver stream. */
export class ReceiverRecovery<T> implements RecoverableInput {
  private log: ReceivedBlockLog<T> | undefined;
  /** Log position up to which pieces belong to batches. */
  private allocated = 0;
  private lastRange: { time: number; range: Range } | undefined;
  /** Allocated position after each batch, for cleaning the log once checkpoints cover it. */
  private readonly positions = new Map<number, number>();
  private replays: ReadonlyMap<number, unknown> = new Map();

  constructor(
    private readonly name: string,
    private readonly report: (message: string, error?: unknown) => void,
    /** Puts pieces logged by a previous run, not yet in any batch, in front of new ones. */
    private readonly readmit: (piece: Piece<T>) => void,
  ) {}

  /** Opens the log in `dir`; called before restore and start when `writeAheadLog` is on. */
  async openLog(dir: string, options: WriteAheadLogOptions = {}): Promise<void> {
    this.log = await ReceivedBlockLog.open<T>(dir, options);
    this.allocated = this.log.end;
    const torn = this.log.tornTail;
    if (torn) {
      this.report(`write-ahead log: removed ${torn.bytes} bytes at the end of "${torn.file}" (${torn.reason}), a record cut by a crash before store() returned for it`);
    }
  }

  batchRecord(time: number): unknown {
    return this.lastRange?.time === time ? this.lastRange.range : null;
  }

  position(): unknown {
    return this.log ? this.allocated : null;
  }

  restore(position: unknown, replays: ReadonlyMap<number, unknown>): void {
    this.replays = replays;
    if (!this.log) return;
    this.allocated = typeof position === 'number' ? position : 0;
    for (const record of replays.values()) if (Array.isArray(record)) this.allocated = Math.max(this.allocated, record[1] as number);
  }

  /** After restore: pieces the log holds beyond every batch go to the first new batch. */
  async readmitUnallocated(): Promise<void> {
    if (!this.log || this.allocated >= this.log.end) return;
    for (const piece of await this.log.read(this.allocated, this.log.end)) this.readmit(piece);
  }

  async forgetBefore(time: number): Promise<void> {
    let keep: number | undefined;
    for (const [t, position] of this.positions) if (t <= time) keep = position;
    for (const t of this.positions.keys()) if (t < time) this.positions.delete(t);
    if (keep !== undefined) await this.log?.clean(keep);
  }

  /** Closes the log. */
  async close(): Promise<void> {
    await this.log?.close();
  }

  /** Logs a piece about to join the next batch. */
  append(piece: Piece<T>): void {
    this.log?.append(piece, this.name);
  }

  /** Settles once every logged piece is on disk. */
  durable(): Promise<void> {
    return this.log?.durable() ?? Promise.resolve();
  }

  /** The batch at `time` took everything logged so far: records its range once it is on disk. */
  async allocate(time: number): Promise<void> {
    if (!this.log) return;
    const range: Range = [this.allocated, this.log.end];
    await this.log.sync();
    this.allocated = range[1];
    this.lastRange = { time, range };
    this.positions.set(time, range[1]);
  }

  /** True when the batch at `time` is re-run from its record. */
  isReplay(time: number): boolean {
    return this.replays.has(time);
  }

  /** The batch at `time` as it was: rebuilt from the log, or empty (and reported) without one. */
  async replay(time: number, numPartitions: number): Promise<Batch<T>> {
    const record = this.replays.get(time);
    if (!this.log || !Array.isArray(record)) {
      this.report(
        `the batch at ${time} ms ran before a restart; its received data was not in a write-ahead log and is lost ` +
          '(set writeAheadLog: true on the StreamingContext to keep it)',
      );
      return Batch.empty(numPartitions);
    }
    const range = record as unknown as Range;
    const data = new ReceivedData<T>();
    for (const piece of await this.log.read(range[0], range[1])) data.add(piece);
    this.lastRange = { time, range };
    this.positions.set(time, range[1]);
    return data.take(numPartitions);
  }
}
