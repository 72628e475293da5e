// What each workload reports to the parent, which writes BENCHMARKS.md from it.
import type { FirstBatchResult } from '../first-batch.js';
import type { KafkaResult } from '../kafka/run.js';
import type { StateRun } from '../state-keys.js';
import type { TopKResult } from '../top-k.js';
import type { SqlResult } from '../workloads/sql.js';
import type { BenchConfig, WorkloadName } from './config.js';

export type { FirstBatchResult, KafkaResult, SqlResult, StateRun, TopKResult };

/** Who a contestant is: Flint, a peer, a baseline or a limit. */
export type Group = 'flint' | 'peer' | 'baseline' | 'limit';

/** One contestant's median speed. */
export interface WordCountRow {
  name: string;
  group: Group;
  /** MB of corpus it ran on. */
  mb: number;
  mbPerS: number;
  wordsPerS: number;
  note?: string;
}

/** Workload 1 (word count of one batch). */
export interface WordCountResult {
  mb: number;
  distinct: number;
  words: number;
  iterations: number;
  top10: string;
  rows: WordCountRow[];
  skipped: string[];
  /** MB/s of each contestant in each measured round, by name: entry i of every list is round i. */
  rounds?: Record<string, number[]>;
  /**
   * For the wasm core's pool contestants (1 worker, local[*]), medians over the rounds: how busy
   * the process's other threads (the workers) were over the batch, and their CPU per MB counted.
   */
  threads?: Record<string, { workers: number; busyShare: number; workerCpuMsPerMb: number }>;
}

/** One contestant's median ms per slide at each window length (null: skipped). */
export interface WindowRow {
  name: string;
  group: Group;
  perSlideMs: (number | null)[];
  /** Mean ms per slide over the measured slides, per length (shows occasional rebuilds). */
  meanMs: (number | null)[];
  note?: string;
}

/** Workload 2 (sliding-window word count). */
export interface WindowResult {
  paneKb: number;
  slideMs: number;
  lengths: number[];
  slides: number;
  budgetSeconds: number;
  rows: WindowRow[];
  /** The target pair measured side by side (see bench/workloads/window.ts). */
  sideBySide?: SideBySide;
}

/**
 * Flint wasm incremental at a short and a long window, open together and slid alternately, so
 * both medians come from the same minutes of a noisy host.
 */
export interface SideBySide {
  short: number;
  long: number;
  slides: number;
  shortMs: number;
  longMs: number;
}

/** How one input rate went. */
export interface StepResult {
  mbPerS: number;
  ok: boolean;
  reason?: string;
  batches: number;
  receivedMbPerS: number;
  processingP50: number;
  processingMax: number;
  schedulingMax: number;
  latencyP50: number;
  latencyP99: number;
  /** Where the CPU went over the judged seconds (Linux only). */
  cpu?: StepCpu;
}

/**
 * CPU ms per MB received over a step's judged seconds, by thread kind, and how busy the cores
 * were: the job process's main thread, its pool's workers and its other threads (garbage
 * collection, libuv), and the generator process, which shares the cores.
 */
export interface StepCpu {
  mainMsPerMb: number;
  workersMsPerMb: number;
  helpersMsPerMb: number;
  generatorMsPerMb: number;
  /** All four's CPU over the wall time, in cores. */
  busyCores: number;
}

/** One contestant: its steps and the highest sustained one. */
export interface StreamingRow {
  name: string;
  group: Group;
  best?: StepResult;
  steps: StepResult[];
  verifiedBatches: number;
}

/** The soak run: RSS over time at a fixed rate. */
export interface SoakResult {
  name: string;
  mbPerS: number;
  seconds: number;
  /** [seconds since start, RSS MB] every second. */
  samples: [number, number][];
  /** Least-squares slope of RSS after the first 20 % of the run, MB per minute. */
  slopeMbPerMin: number;
  batches: number;
  failedBatches: number;
  latencyP50: number;
  latencyP99: number;
  /** From a batch's time to its output, ms (absent in results from before it was kept). */
  outputDelayP50?: number;
  outputDelayP99?: number;
}

/**
 * Flint wasm local[*] without and with the write-ahead log, started afresh in alternating order at
 * one rate both sustained: one judged step per job, `rounds` of each.
 */
export interface WalPair {
  mbPerS: number;
  rounds: number;
  without: StepResult[];
  with: StepResult[];
}

/** Workload 3 (streaming over TCP). */
export interface StreamingResult {
  batchMs: number;
  stepSeconds: number;
  settleBatches: number;
  /** Bisection steps after the first rate not sustained (absent in results from before it was kept). */
  refineSteps?: number;
  corpusMb: number;
  /** Words per MB of the generated text. */
  wordsPerMb: number;
  /** Cores of the machine (absent in results from before it was kept). */
  cores?: number;
  rows: StreamingRow[];
  /** The write-ahead log's cost at a fixed rate, when both jobs sustained one. */
  walPair?: WalPair;
}

/** Peak RSS of one contestant holding the large window, in a fresh process. */
export interface MemoryRow {
  name: string;
  group: Group;
  /** RSS after start-up and generating the input, before the window, MB. */
  baselineMb: number;
  /** Peak RSS of the process (getrusage maxrss), MB. */
  peakMb: number;
  /** Median ms per slide once the window is full. */
  slideMs: number;
  /** What the process held right after its last slide (absent in results from before it was kept). */
  atLastSlide?: HeldMemory;
}

/** process.memoryUsage() in MB, external memory split into array buffers and the rest. */
export interface HeldMemory {
  rssMb: number;
  heapUsedMb: number;
  arrayBuffersMb: number;
  /** External memory that is not array buffers: in Flint, the main thread's WebAssembly memory. */
  otherExternalMb: number;
}

/** Workload 4 (memory): peak RSS with a window of `keys` distinct keys, and the soak run. */
export interface MemoryResult {
  keys: number;
  windowPanes: number;
  paneMb: number;
  rows: MemoryRow[];
  notRun: string[];
  soak: SoakResult;
}

/** A stateful pipeline of the checkpoint workload. */
export type CheckpointPipeline = 'updateStateByKey' | 'reduceByKeyAndWindow';

/**
 * One pipeline on one core: the same batches run side by side by a context that checkpoints at
 * the default interval and one that does not within them; then restarts from its last checkpoint.
 */
export interface CheckpointRow {
  core: 'js' | 'wasm';
  pipeline: CheckpointPipeline;
  /** Keys in the state (or window) at the end. */
  keys: number;
  /** Batches per checkpoint. */
  interval: number;
  /** Checkpoint cycles measured (`cycles * interval` batches per context). */
  cycles: number;
  /** Wall time of each measured batch, ms, with checkpoints (those batches include writing one) and without. */
  withMs: number[];
  withoutMs: number[];
  medianWithMs: number;
  medianWithoutMs: number;
  /** Mean per batch over a checkpoint cycle, from the median of each position in the cycle, ms. */
  cycleWithMs: number;
  cycleWithoutMs: number;
  /** `cycleWithMs - cycleWithoutMs`: what checkpoints add to a batch, amortized. */
  overheadMs: number;
  /** `cycleWithMs / cycleWithoutMs`. */
  ratio: number;
  /** Median `durationMs` and `bytesWritten` of the checkpoints written while measuring. */
  checkpointMs: number;
  checkpointBytes: number;
  /** Bytes of the state's (or window's) batch in the last checkpoint, without the window's panes. */
  stateBytes: number;
  /** Median over `recoveries` restarts: getOrCreate plus start (the checkpoint read, verified, restored), ms. */
  recoveryStartMs: number;
  /** Median over the restarts: the first batch after one, ms. */
  recoveryFirstBatchMs: number;
  /** getOrCreate plus start of the same program with an empty checkpoint directory, ms. */
  freshStartMs: number;
  recoveries: number;
}

/** Workload 5 (checkpoints): cost per batch and recovery time, measured on its own date. */
export interface CheckpointResult {
  date: string;
  machine: string;
  keys: number;
  recordsPerBatch: number;
  batchMs: number;
  windowPanes: number;
  /** At most this many checkpoint cycles per row, and no new one past `budgetSeconds`. */
  cycles: number;
  budgetSeconds: number;
  master: string;
  rows: CheckpointRow[];
}

/** Everything one run measured; saved as bench/report/results.json next to the charts. */
export interface Results {
  mode: 'full' | 'quick';
  /** CPU model, cores, memory. */
  machine: string;
  node: string;
  /** ISO date and time the run started. */
  date: string;
  /** Wall-clock seconds the run took. */
  seconds: number;
  config: BenchConfig;
  /**
   * When each workload's figures were measured: this run's start, or, for workloads kept from an
   * earlier run with BENCH_KEEP=1, that run's (the report says so in their sections).
   */
  measured?: Partial<Record<WorkloadName, { date: string; mode: 'full' | 'quick'; node: string }>>;
  wordcount?: WordCountResult;
  window?: WindowResult;
  streaming?: StreamingResult;
  memory?: MemoryResult;
  checkpoint?: CheckpointResult;
  /** Workload 6: the first batch of a fresh context against its steady batches, per core. */
  'first-batch'?: FirstBatchResult[];
  /** Workload 7: a top 10 taken from the packed batch against the generic path. */
  'top-k'?: TopKResult;
  /** Workload 8: `updateStateByKey` over many keys, per core and update function. */
  state?: StateResult;
  /** Workload 9: word count from Kafka (librdkafka's mock cluster), or why it did not run. */
  kafka?: KafkaResult | { skipped: string };
  /** Workload 10: Structured Streaming's event-time windowed aggregation, text and numeric. */
  sql?: SqlResult;
}

/** Workload 8: each core with the sum as a lambda and as the tagged `runningSum`. */
export interface StateResult {
  keys: number;
  recordsPerBatch: number;
  rows: StateRun[];
}
