// The two ends of the streaming workload: the generator process (driven over IPC) and the jobs
// reading from it: Flint's word count per 1-second batch (timings from a StreamingListener's
// BatchInfo) and the RxJS peer's. Each batch's output takes its top 10 and the latency of every
// timestamp token in it.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreName } from '../../src/core/core.js';
import { pair, StreamingContext, sum, words, type BatchInfo } from '../../src/index.js';
import { benchScript } from '../lib/paths.js';
import { loadRxjs } from '../lib/peers.js';
import { processCpuMs, threadIds, threadSplit, type ThreadSplit } from '../lib/thread-cpu.js';
import { topTen, type WordCount } from '../lib/top-ten.js';
import { MARKER, type GeneratorCommand, type GeneratorReport, type GeneratorStats } from './protocol.js';

/** Batch interval of the streaming workload, ms. */
export const BATCH_MS = 1000;

/**
 * The memory bound of the streaming job. The default (1/64 of the heap, 64 MiB) is sized for JS
 * pipelines and would cap this kernel-only word count, whose text stays off the heap, at about
 * 64 MB per batch: the bench measures what the engine sustains, so it allows 1 GiB.
 */
const MAX_BUFFERED_BYTES = 1024 ** 3;

/** The generator process: a TCP server on 127.0.0.1 writing a corpus file at a set rate. */
export class Generator {
  private latest: GeneratorStats = { time: 0, sentBytes: 0, dueBytes: 0, backlogBytes: 0, connections: 0 };

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (m: GeneratorReport) => {
      if ('stats' in m) this.latest = m.stats;
    });
  }

  /** Starts the generator on `corpusFile`; resolves once it listens. */
  static start(corpusFile: string): Promise<Generator> {
    const child = fork(benchScript('stream/generator.js'), [corpusFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the generator exited (${code}) before listening`)));
      child.once('message', (m: GeneratorReport) => {
        if ('listening' in m) resolve(new Generator(child, m.listening));
      });
    });
  }

  /** Sets the input rate, MB/s (0 pauses). */
  setRate(mbPerS: number): void {
    this.child.send({ rate: mbPerS * 1e6 } satisfies GeneratorCommand);
  }

  /** The latest counters (sent every 250 ms). */
  get stats(): GeneratorStats {
    return this.latest;
  }

  /** The generator process's CPU ms so far (undefined off Linux): it shares the cores with the job. */
  cpuMs(): number | undefined {
    return this.child.pid === undefined ? undefined : processCpuMs(this.child.pid);
  }

  /** Stops the generator process. */
  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ stop: true } satisfies GeneratorCommand);
    await exited;
  }
}

/** One completed batch: its BatchInfo timings and what its output saw. */
export interface BatchRecord {
  time: number;
  numRecords: number;
  processingDelay: number;
  schedulingDelay: number;
  /** ms from each timestamp token's writing to the batch's output. */
  latencies: number[];
  /** ms from the batch time to its output (after the output's collect): what a record waits once its batch closed. */
  outputDelay?: number;
  top10: string;
  /**
   * The batch completed without its output having run: stop() abandoned it (a job stopped while
   * behind) or it failed. Its lines were consumed, but it has no top 10 to check.
   */
  noOutput?: boolean;
}

const isMarker = (word: string) => word.startsWith(MARKER);

/** What a batch's output computes from its word counts at `now` (ms): its top 10, latencies and delay from `batchTime`. */
function outputOf(pairs: Iterable<WordCount>, now: number, batchTime?: number): BatchOutput {
  const all = [...pairs];
  const latencies: number[] = [];
  for (const [word, n] of all) {
    if (isMarker(word)) for (let i = 0; i < n; i++) latencies.push(now - Number(word.slice(MARKER.length)));
  }
  return { latencies, top10: topTen(all, isMarker), ...(batchTime !== undefined && { outputDelay: now - batchTime }) };
}

type BatchOutput = Pick<BatchRecord, 'latencies' | 'top10' | 'outputDelay'>;

/** A running word count on the generator's socket. */
export interface Job {
  /** Completed batches, in time order. */
  readonly batches: BatchRecord[];
  /** Batches waiting to be processed. */
  readonly pending: number;
  /** This process's CPU so far by thread kind (undefined off Linux). */
  threads(): ThreadSplit | undefined;
  stop(): Promise<void>;
}

/** A running Flint word count on the generator's socket. */
export class StreamingJob implements Job {
  /** Completed batches, in time order. */
  readonly batches: BatchRecord[] = [];
  private readonly outputs = new Map<number, BatchOutput>();
  private submitted = 0;
  /** The pool's worker threads: those the context's start created. */
  private workers: ReadonlySet<number> = new Set();

  private constructor(
    readonly ssc: StreamingContext,
    /** The temporary checkpoint directory of a job with the write-ahead log, removed by {@link stop}. */
    private readonly checkpointDir?: string,
  ) {}

  /**
   * Starts `socketTextStream -> flatMap(words) -> map(pair(1)) -> reduceByKey(sum)` on `core`. With
   * `writeAheadLog`, the socket receiver appends what it reads to the write-ahead log in a temporary
   * checkpoint directory (under the OS temp dir, removed when the job stops). With `ui`, the web UI
   * serves on a free port (`ssc.uiWebUrl`).
   */
  static async start(core: CoreName, master: string, port: number, options: { writeAheadLog?: boolean; ui?: boolean } = {}): Promise<StreamingJob> {
    const writeAheadLog = options.writeAheadLog ?? false;
    const ssc = new StreamingContext({
      batchInterval: BATCH_MS,
      master,
      core,
      appName: 'bench streaming',
      maxBufferedBytes: MAX_BUFFERED_BYTES,
      writeAheadLog,
      ui: options.ui === true && { port: 0 },
    });
    const dir = writeAheadLog ? await mkdtemp(join(tmpdir(), 'flint-bench-wal-')) : undefined;
    if (dir) ssc.checkpoint(dir);
    const job = new StreamingJob(ssc, dir);
    ssc
      .socketTextStream('127.0.0.1', port)
      .flatMap(words)
      .map(pair(1))
      .reduceByKey(sum)
      .foreachRDD((batch, time) => void job.outputs.set(time, outputOf(batch.collect(), Date.now(), time)));
    ssc.addStreamingListener({
      onBatchSubmitted: () => void job.submitted++,
      onBatchCompleted: ({ batchInfo }) => job.record(batchInfo),
    });
    const before = threadIds();
    try {
      await ssc.start();
      job.workers = new Set([...threadIds()].filter((tid) => !before.has(tid)));
    } catch (error) {
      if (dir) await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return job;
  }

  /** Batches submitted and not completed yet. */
  get pending(): number {
    return this.submitted - this.batches.length;
  }

  threads(): ThreadSplit | undefined {
    return threadSplit(this.workers);
  }

  /** Stops at once (queued batches are dropped), then removes the checkpoint directory, if any. */
  async stop(): Promise<void> {
    try {
      await this.ssc.stop();
    } finally {
      if (this.checkpointDir) await rm(this.checkpointDir, { recursive: true, force: true });
    }
  }

  private record(info: BatchInfo): void {
    const output = this.outputs.get(info.batchTime) ?? { latencies: [], top10: '', noOutput: true };
    this.outputs.delete(info.batchTime);
    this.batches.push({
      time: info.batchTime,
      numRecords: info.numRecords,
      processingDelay: info.processingDelay ?? NaN,
      schedulingDelay: info.schedulingDelay ?? NaN,
      ...output,
    });
  }
}

/**
 * The RxJS peer's word count on the generator's socket (`bufferTime` batches counted into a Map),
 * recorded like Flint's batches: processing from the start of counting to the end of the output.
 * RxJS has no queue of batches (a busy thread makes the next buffer longer instead), so the
 * scheduling delay is 0 and falling behind shows as a processing delay or a short received rate.
 */
export class RxjsStreamingJob implements Job {
  readonly batches: BatchRecord[] = [];
  readonly pending = 0;
  private stopHandle: (() => void) | undefined;

  /** Connects to `port` and starts counting. */
  static async start(port: number): Promise<RxjsStreamingJob> {
    const rx = await loadRxjs();
    const job = new RxjsStreamingJob();
    const handle = rx.streamingWordCount(port, BATCH_MS, ({ started, lines, counts }) => {
      const output = outputOf(counts, Date.now());
      job.batches.push({
        time: Date.now(),
        numRecords: lines,
        processingDelay: performance.now() - started,
        schedulingDelay: 0,
        ...output,
      });
    });
    job.stopHandle = () => handle.stop();
    return job;
  }

  threads(): ThreadSplit | undefined {
    return threadSplit(new Set());
  }

  async stop(): Promise<void> {
    this.stopHandle?.();
  }
}
