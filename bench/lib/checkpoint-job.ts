// The program of the checkpoint workload: a word count kept as state (updateStateByKey) or over a
// window (reduceByKeyAndWindow with sum and subtract) on a ManualClock, its input, and how it
// starts: fresh, with its checkpoints deferred, or from its checkpoint directory.
import { countLines, TextBatch } from '../../src/batch/text-batch.js';
import type { CoreName } from '../../src/core/core.js';
import type { DStream } from '../../src/dstream/dstream.js';
import { ManualClock, pair, StreamingContext, subtract, sum, words } from '../../src/index.js';
import type { CheckpointInfo } from '../../src/scheduler/listener.js';
import { mulberry32, vocabulary } from '../corpus.js';
import type { CheckpointPipeline } from './results.js';

/** Batch interval, and the window's slide, ms. */
export const BATCH_MS = 1000;
/** The default checkpoint interval of a 1 s slide (10 s), in batches. */
export const INTERVAL = 10;
/** Panes in the window, each with a tenth of the keys. */
export const PANES = 10;
/** Two workers on the wasm core, two partitions on both. */
export const MASTER = 'local[2]';
const PARTITIONS = 2;
/** Words per line of the generated text. */
const PER_LINE = 12;

/** Lines of `PER_LINE` words. */
function textOf(words: readonly string[]): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += PER_LINE) lines.push(words.slice(i, i + PER_LINE).join(' '));
  return Buffer.from(lines.join('\n') + '\n');
}

/**
 * The text of batch `k` (from 1), `keys / 10` words. The window's panes cycle through the tenths
 * of the keys, so from batch 10 on it holds every key; the state starts with every key (as
 * updateStateByKey's initialState) and each batch draws its words uniformly from all of them.
 */
export class CheckpointInput {
  private readonly vocabulary: string[];
  /** The state every key starts with: seen once. */
  readonly initialState: [string, number][];
  private readonly tenths: Buffer[];

  constructor(readonly keys: number) {
    this.vocabulary = vocabulary(keys);
    this.initialState = this.vocabulary.map((w) => [w, 1]);
    const per = keys / PANES;
    this.tenths = Array.from({ length: PANES }, (_, b) => textOf(this.vocabulary.slice(b * per, (b + 1) * per)));
  }

  text(pipeline: CheckpointPipeline, k: number): Buffer {
    if (pipeline === 'reduceByKeyAndWindow') return this.tenths[(k - 1) % PANES]!;
    const rand = mulberry32(k);
    return textOf(Array.from({ length: this.keys / PANES }, () => this.vocabulary[Math.floor(rand() * this.keys)]!));
  }
}

/** How a {@link CheckpointJob} starts. */
export interface JobStart {
  /** Checkpoints move far beyond the run (see the constructor). */
  deferred?: boolean;
  /** The context comes from `StreamingContext.getOrCreate` on the directory. */
  recover?: boolean;
  /** The clock's time at start, ms: a restart resumes where the run stopped. */
  time?: number;
  /** updateStateByKey's function (default: a running sum written as a plain lambda). */
  update?: (values: number[], state: number | undefined) => number;
}

/** One pipeline's context, run one batch per call. */
export class CheckpointJob {
  readonly clock: ManualClock;
  readonly queue: TextBatch[] = [];
  readonly checkpoints: CheckpointInfo[] = [];
  /** Keys in the stateful stream's latest batch. */
  keys = 0;
  readonly ssc: StreamingContext;

  /**
   * A deferred job does not checkpoint within the run. Not by `stream.checkpoint(ms)`: that also
   * makes the stream remember `2 * ms` of batches (Spark's rule), so a huge interval would keep
   * every batch of a million keys alive and slow the baseline down with garbage collection.
   */
  constructor(core: CoreName, readonly pipeline: CheckpointPipeline, readonly input: CheckpointInput, dir: string, start: JobStart = {}) {
    this.clock = new ManualClock(start.time ?? 0);
    const create = () => {
      const ssc = new StreamingContext({ batchInterval: BATCH_MS, master: MASTER, core, clock: this.clock });
      ssc.checkpoint(dir);
      const counts = ssc.queueStream<string>(this.queue).flatMap(words).map(pair(1));
      const stateful: DStream<[string, number]> =
        pipeline === 'updateStateByKey'
          ? counts.reduceByKey(sum).updateStateByKey(start.update ?? addCounts, { initialState: input.initialState })
          : counts.reduceByKeyAndWindow(sum, subtract, PANES * BATCH_MS, BATCH_MS);
      if (start.deferred) Object.defineProperty(stateful.operator, 'defaultCheckpointInterval', { value: 1e6 * BATCH_MS });
      stateful.foreachRDD((batch) => void (this.keys = batch.count()));
      ssc.addStreamingListener({ onCheckpointCompleted: ({ checkpointInfo }) => void this.checkpoints.push(checkpointInfo) });
      return ssc;
    };
    // A restarted program's queue holds every batch again; recovery drops those already taken.
    const taken = (start.time ?? 0) / BATCH_MS;
    for (let k = 1; k <= taken; k++) this.queue.push(TextBatch.fromBlocks([], PARTITIONS));
    this.ssc = start.recover ? StreamingContext.getOrCreate(dir, create) : create();
  }

  /** Runs batch `k` (the next one); resolves with its wall time in ms, a checkpoint's included. */
  async batch(k: number): Promise<number> {
    const bytes = this.input.text(this.pipeline, k);
    this.queue.push(TextBatch.fromBlocks([{ bytes, lines: countLines(bytes) }], PARTITIONS));
    const started = performance.now();
    await this.clock.advance(BATCH_MS);
    return performance.now() - started;
  }
}

function addCounts(values: number[], state: number | undefined): number {
  let total = state ?? 0;
  for (const v of values) total += v;
  return total;
}
