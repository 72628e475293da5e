// The layout of a checkpoint directory, and the metadata that ties one checkpoint together.
//
//   <dir>/checkpoint-<time>      metadata: what the checkpoint at <time> holds (written last)
//   <dir>/data/<time>            the batches the checkpoint at <time> wrote: stateful streams'
//                                batches, and window panes not in an earlier data file
//   <dir>/batches/               the batch log: what each source gave each batch (batch-log.ts)
//   <dir>/receivedData/<id>/     a receiver's write-ahead log
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What one checkpoint holds; the rest of its data is in the files it names. */
export interface CheckpointMetadata {
  /** The batch time the checkpoint follows: every batch up to it has completed. */
  readonly time: number;
  /** The context's zero time; batch times stay `zeroTime + k * batchInterval` after a restart. */
  readonly zeroTime: number;
  readonly batchInterval: number;
  /** The graph's fingerprint (see graph-layout.ts). */
  readonly fingerprint: readonly string[];
  /** Each input's position after the batch at `time`, by stream id. */
  readonly positions: Readonly<Record<string, unknown>>;
  /** For each stateful stream id, where its batch is. */
  readonly states: Readonly<Record<string, StoredBatch>>;
  /** For each window parent's id, where its batches (panes) are, oldest first. */
  readonly panes: Readonly<Record<string, readonly StoredBatch[]>>;
}

/** A batch of a stream in a data file: `[batch time, time of the data file]`. */
export type StoredBatch = readonly [time: number, file: number];

/** What each input gave one batch, by input stream id. */
export type BatchRecord = Readonly<Record<string, unknown>>;

/** Paths inside the checkpoint directory `dir`. */
export class CheckpointFiles {
  constructor(readonly dir: string) {}

  /** The metadata file of the checkpoint at `time`. */
  metadata(time: number): string {
    return join(this.dir, `checkpoint-${time}`);
  }

  /** The data file written by the checkpoint at `time`. */
  data(time: number): string {
    return join(this.dir, 'data', String(time));
  }

  /** The batch log's directory. */
  get batchLog(): string {
    return join(this.dir, 'batches');
  }

  /** The write-ahead log directory of input stream `id`. */
  receivedData(id: number): string {
    return join(this.dir, 'receivedData', String(id));
  }

  /** Times of the checkpoints present, newest first (complete or not: readers verify). */
  checkpointTimes(): number[] {
    return timesIn(this.dir, /^checkpoint-(\d+)$/).sort((a, b) => b - a);
  }

  /** Times of the data files present. */
  dataTimes(): number[] {
    return timesIn(join(this.dir, 'data'), /^(\d+)$/);
  }
}

function timesIn(dir: string, pattern: RegExp): number[] {
  return names(dir).flatMap((n) => {
    const m = pattern.exec(n);
    return m ? [Number(m[1])] : [];
  });
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
