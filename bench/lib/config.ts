// What a benchmark run measures and how long it may take: the full run (`npm run bench`), the
// quick one (`npm run bench:quick`), and BENCH_* environment overrides for either.

/** Which workloads exist, in the order they run. */
export const WORKLOADS = ['wordcount', 'window', 'streaming', 'memory', 'checkpoint', 'first-batch', 'top-k', 'state', 'kafka', 'sql'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** Parameters of one run; children receive it as JSON in BENCH_CONFIG. */
export interface BenchConfig {
  mode: 'full' | 'quick';
  workloads: WorkloadName[];
  wordcount: {
    /** Corpus size in MB (100k distinct Zipf words). */
    mb: number;
    /** Measured rounds (every contestant once per round; medians over rounds). */
    iterations: number;
    /** Rounds before the measured ones: kernels tier up, tables size themselves. */
    warmupRounds: number;
    /** The js core materializes every token: it runs on the first `jsCoreMb` only. */
    jsCoreMb: number;
    /** RxJS with groupBy per word runs at about 1 MB/s: it gets the first `slowMb` only. */
    slowMb: number;
  };
  window: {
    /** Text per batch (one pane), in KB. */
    paneKb: number;
    /** Window lengths in slides (window / slide). */
    lengths: number[];
    /** Measured slides per contestant and length, after filling the window. */
    slides: number;
    /** Seconds a contestant may spend on one length; past it, longer windows are skipped. */
    budgetSeconds: number;
  };
  streaming: {
    /** Seconds judged at each input rate. */
    stepSeconds: number;
    /** Batches at a new rate before the judged ones. */
    settleBatches: number;
    /** First input rate tried, MB/s; each next step multiplies it by `factor`. */
    startMbPerS: number;
    factor: number;
    /** Bisection steps between the last sustained rate and the first failed one. */
    refineSteps: number;
    /** Size of the corpus the generator cycles through, MB. */
    corpusMb: number;
  };
  memory: {
    /** Distinct keys the window holds. */
    keys: number;
    /** Length of the soak run of the streaming workload (RSS slope), seconds. */
    soakSeconds: number;
    /** Its input rate, MB/s: set by the run to half the rate workload 3 sustained, when it ran. */
    soakMbPerS: number;
  };
  checkpoint: {
    /** Distinct keys in the state and in the window (a multiple of 10: each batch holds a tenth). */
    keys: number;
    /** Checkpoint cycles (of 10 batches) measured with and without checkpoints, at most. */
    cycles: number;
    /** No new cycle starts after this many seconds (one always runs). */
    budgetSeconds: number;
    /** Restarts from the last checkpoint (medians over them). */
    recoveries: number;
  };
  firstBatch: {
    /** Text per batch, MB. */
    mb: number;
    /** Fresh processes per core (the ratio is a median over them). */
    rounds: number;
    /** Batches per fresh context (the steady time is the median of those after the second). */
    batches: number;
  };
  topK: {
    /** Zipf text counted into the batch the top 10 is taken from, MB. */
    mb: number;
    rounds: number;
  };
  state: {
    /** Keys in `updateStateByKey`'s state (each batch holds a tenth of them). */
    keys: number;
    /** Batches per core (the steady figure is the median after the first). */
    batches: number;
  };
  kafka: {
    /** Records produced to the mock cluster per contestant. */
    records: number;
  };
}

const FULL: Omit<BenchConfig, 'mode' | 'workloads'> = {
  // Eleven rounds: on this shared host one round's figures swing by up to 1.5x, and five left the medians at its mercy.
  wordcount: { mb: 200, iterations: 11, warmupRounds: 2, jsCoreMb: 20, slowMb: 2 },
  window: { paneKb: 256, lengths: [2, 5, 10, 30, 100, 300, 600], slides: 30, budgetSeconds: 45 },
  streaming: { stepSeconds: 8, settleBatches: 2, startMbPerS: 4, factor: 1.5, refineSteps: 2, corpusMb: 32 },
  memory: { keys: 1_000_000, soakSeconds: 600, soakMbPerS: 10 },
  checkpoint: { keys: 1_000_000, cycles: 4, budgetSeconds: 45, recoveries: 3 },
  firstBatch: { mb: 16, rounds: 5, batches: 8 },
  topK: { mb: 40, rounds: 11 },
  state: { keys: 5_000_000, batches: 4 },
  kafka: { records: 800_000 },
};

const QUICK: Omit<BenchConfig, 'mode' | 'workloads'> = {
  wordcount: { mb: 10, iterations: 3, warmupRounds: 1, jsCoreMb: 10, slowMb: 1 },
  window: { paneKb: 64, lengths: [2, 10, 60, 600], slides: 10, budgetSeconds: 4 },
  streaming: { stepSeconds: 2, settleBatches: 1, startMbPerS: 8, factor: 2.5, refineSteps: 0, corpusMb: 8 },
  memory: { keys: 250_000, soakSeconds: 10, soakMbPerS: 10 },
  checkpoint: { keys: 50_000, cycles: 2, budgetSeconds: 5, recoveries: 2 },
  firstBatch: { mb: 4, rounds: 2, batches: 5 },
  topK: { mb: 4, rounds: 3 },
  state: { keys: 200_000, batches: 3 },
  kafka: { records: 50_000 },
};

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
  return n;
}

function list<T extends string | number>(name: string, fallback: T[], parse: (s: string) => T): T[] {
  const raw = process.env[name];
  return raw ? raw.split(',').map((s) => parse(s.trim())) : fallback;
}

/**
 * The configuration of a run in `mode`, with overrides from the environment: BENCH_MB,
 * BENCH_ITERATIONS, BENCH_PANE_KB, BENCH_WINDOWS (e.g. `2,10,600`), BENCH_SLIDES,
 * BENCH_WINDOW_BUDGET (s), BENCH_STEP_SECONDS, BENCH_SOAK_SECONDS, BENCH_SOAK_RATE (MB/s), BENCH_KEYS,
 * BENCH_CHECKPOINT_KEYS, BENCH_CHECKPOINT_CYCLES, BENCH_FIRST_ROUNDS, BENCH_STATE_KEYS, KAFKA_BENCH_RECORDS and BENCH_ONLY (a comma-separated list of
 * workloads). The streaming child also reads BENCH_STREAMING_ONLY (a regular expression over its
 * contestants' names).
 */
export function configFor(mode: 'full' | 'quick'): BenchConfig {
  const d = mode === 'full' ? FULL : QUICK;
  const workloads = list<string>('BENCH_ONLY', [...WORKLOADS], String);
  for (const w of workloads) {
    if (!(WORKLOADS as readonly string[]).includes(w)) throw new Error(`BENCH_ONLY: unknown workload "${w}"; use ${WORKLOADS.join(', ')}`);
  }
  const mb = num('BENCH_MB', d.wordcount.mb);
  return {
    mode,
    workloads: workloads as WorkloadName[],
    wordcount: {
      mb,
      iterations: num('BENCH_ITERATIONS', d.wordcount.iterations),
      warmupRounds: d.wordcount.warmupRounds,
      jsCoreMb: Math.min(mb, d.wordcount.jsCoreMb),
      slowMb: Math.min(mb, d.wordcount.slowMb),
    },
    window: {
      paneKb: num('BENCH_PANE_KB', d.window.paneKb),
      lengths: list('BENCH_WINDOWS', d.window.lengths, Number),
      slides: num('BENCH_SLIDES', d.window.slides),
      budgetSeconds: num('BENCH_WINDOW_BUDGET', d.window.budgetSeconds),
    },
    streaming: { ...d.streaming, stepSeconds: num('BENCH_STEP_SECONDS', d.streaming.stepSeconds) },
    memory: {
      keys: num('BENCH_KEYS', d.memory.keys),
      soakSeconds: num('BENCH_SOAK_SECONDS', d.memory.soakSeconds),
      soakMbPerS: num('BENCH_SOAK_RATE', d.memory.soakMbPerS),
    },
    checkpoint: {
      keys: Math.ceil(num('BENCH_CHECKPOINT_KEYS', d.checkpoint.keys) / 10) * 10,
      cycles: Math.ceil(num('BENCH_CHECKPOINT_CYCLES', d.checkpoint.cycles)),
      budgetSeconds: d.checkpoint.budgetSeconds,
      recoveries: d.checkpoint.recoveries,
    },
    firstBatch: { ...d.firstBatch, rounds: num('BENCH_FIRST_ROUNDS', d.firstBatch.rounds) },
    topK: d.topK,
    state: { ...d.state, keys: Math.ceil(num('BENCH_STATE_KEYS', d.state.keys) / 10) * 10 },
    kafka: { records: num('KAFKA_BENCH_RECORDS', d.kafka.records) },
  };
}
