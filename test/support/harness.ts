// Spark's TestSuiteBase for Flint: feed one input array per batch, run N batches on a manual
// clock, collect every output batch, and compare batch by batch (ordered, or as sets).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Batch, DStream, ManualClock, StreamingContext } from '../../src/index.js';
import type { InputOperator } from '../../src/dstream/operator.js';

/** The engine cores every table test runs on. */
export const CORES = ['js', 'wasm'] as const;

/** A core a table test can run on. */
export type TestCore = 'js' | 'wasm';

/** One input array per batch; `null` means the input yields no batch at that time (Spark's None). */
export type TestInput<T> = readonly (readonly T[] | null)[];

/** Options shared by the helpers; the defaults are TestSuiteBase's. */
export interface HarnessOptions {
  /** Engine core (default 'js'). */
  core?: TestCore;
  /** Master string (default 'local[2]', so shuffles default to 2 partitions). */
  master?: string;
  /** Batch interval in ms (default 1 s). */
  batchDuration?: number;
  /** Partitions of every input batch (default 2). */
  numPartitions?: number;
  /** Batches to run (default: the number of expected outputs). */
  numBatches?: number;
  /** Compare each batch as a set instead of an ordered list (default false). */
  useSet?: boolean;
}

/** A context set up with inputs, the operation under test and an output that records batches. */
export interface TestEnv<V> {
  readonly ssc: StreamingContext;
  readonly clock: ManualClock;
  /** What the operation returned. */
  readonly stream: DStream<V>;
  /** One entry per output batch: its partitions, in order (Spark's `rdd.glom().collect()`). */
  readonly output: V[][][];
  readonly batchDuration: number;
  readonly checkpointDir: string;
}

/** Builds a context like TestSuiteBase's: manual clock at 0, checkpoint directory set. */
export function newContext(options: HarnessOptions = {}): { ssc: StreamingContext; clock: ManualClock; checkpointDir: string } {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({
    batchInterval: options.batchDuration ?? 1000,
    master: options.master ?? 'local[2]',
    core: options.core ?? 'js',
    clock,
  });
  const checkpointDir = mkdtempSync(join(tmpdir(), 'flint-spark-suite-'));
  ssc.checkpoint(checkpointDir);
  return { ssc, clock, checkpointDir };
}

/**
 * An input stream over `input`: a queueStream, unless some entry is `null`. Spark's
 * TestInputStream returns None for a null entry; queueStream always yields a batch, so such
 * inputs go through a tiny input operator that picks entry `(time - zero) / slide - 1`.
 */
export function inputStream<T>(ssc: StreamingContext, input: TestInput<T>, numPartitions = 2): DStream<T> {
  if (input.every((batch) => batch !== null)) {
    return ssc.queueStream(input.map((batch) => [...batch!]), { numPartitions });
  }
  const operator: InputOperator<T> = {
    name: 'TestInputStream',
    dependencies: [],
    slideDuration: ssc.batchInterval,
    start: async () => undefined,
    stop: async () => undefined,
    compute: async (time: number) => {
      const index = (time - stream.zero) / ssc.batchInterval - 1;
      // Past the end of the input, batches are empty, as in Spark.
      const batch = index < input.length ? input[index]! : [];
      return batch === null ? undefined : Batch.of(batch, numPartitions);
    },
  };
  const stream = new DStream<T>(ssc, operator);
  ssc.registerInputStream(stream as DStream<unknown>);
  return stream;
}

/** Spark's `setupStreams`: `build` creates inputs and the operation; an output records each batch's partitions. */
export function setupStreams<V>(build: (ssc: StreamingContext) => DStream<V>, options: HarnessOptions = {}): TestEnv<V> {
  const { ssc, clock, checkpointDir } = newContext(options);
  const stream = build(ssc);
  const output: V[][][] = [];
  stream.foreachRDD((batch) => void output.push(batch.glom().collect()));
  return { ssc, clock, stream, output, batchDuration: options.batchDuration ?? 1000, checkpointDir };
}

/** A context and its checkpoint directory, as {@link newContext} and {@link setupStreams} return. */
export interface ContextHandle {
  readonly ssc: StreamingContext;
  readonly checkpointDir: string;
}

/** Runs `block` on `env` and always stops the context and removes its checkpoint directory. */
export async function withStreamingContext<E extends ContextHandle, R>(env: E, block: (env: E) => Promise<R>): Promise<R> {
  try {
    return await block(env);
  } finally {
    await env.ssc.stop();
    rmSync(env.checkpointDir, { recursive: true, force: true });
  }
}

/**
 * Spark's `runStreamsWithPartitions`: starts, advances the clock by `numBatches` intervals at
 * once, surfaces any error that stopped a batch, and checks the number of outputs.
 */
export async function runStreamsWithPartitions<V>(env: TestEnv<V>, numBatches: number, numExpectedOutput: number): Promise<V[][][]> {
  expect(numBatches, 'Number of batches to run stream computation is zero').toBeGreaterThan(0);
  expect(numExpectedOutput, `Number of expected outputs after ${numBatches} is zero`).toBeGreaterThan(0);
  await env.ssc.start();
  await env.clock.advance(numBatches * env.batchDuration);
  // Spark's loop on awaitTerminationOrTimeout rethrows the error that failed a batch.
  await env.ssc.awaitTerminationOrTimeout(0);
  expect(env.output.length, 'Unexpected number of outputs generated').toBe(numExpectedOutput);
  return env.output;
}

/** Spark's `runStreams`: like {@link runStreamsWithPartitions}, each batch flattened in partition order. */
export async function runStreams<V>(env: TestEnv<V>, numBatches: number, numExpectedOutput: number): Promise<V[][]> {
  const output = await runStreamsWithPartitions(env, numBatches, numExpectedOutput);
  return output.map((partitions) => partitions.flat());
}

/**
 * Spark's `verifyOutput`: batch i against expected batch i, as an ordered list, or with `useSet`
 * as a set (order and multiplicity ignored, values compared deeply).
 */
export function verifyOutput<V>(output: readonly (readonly V[])[], expected: readonly (readonly V[])[], useSet: boolean): void {
  expect(output.length, 'Number of outputs do not match').toBe(expected.length);
  output.forEach((batch, i) => {
    if (useSet) {
      expect(asSet(batch), `Set comparison failed in batch ${i}`).toStrictEqual(asSet(expected[i]!));
    } else {
      expect(batch, `Ordered list comparison failed in batch ${i}`).toStrictEqual(expected[i]);
    }
  });
}

/** Spark's unary `testOperation`. The operation also receives the context (Spark's `s.context`). */
export async function testOperation<U, V>(
  input: TestInput<U>,
  operation: (s: DStream<U>, ssc: StreamingContext) => DStream<V>,
  expectedOutput: readonly (readonly V[])[],
  options: HarnessOptions = {},
): Promise<void> {
  const env = setupStreams((ssc) => operation(inputStream(ssc, input, options.numPartitions), ssc), options);
  await runAndVerify(env, expectedOutput, options);
}

/** Spark's binary `testOperation` (transformWith, joins, cogroup): two inputs of 2 partitions each. */
export async function testBinaryOperation<U, W, V>(
  input1: TestInput<U>,
  input2: TestInput<W>,
  operation: (s1: DStream<U>, s2: DStream<W>, ssc: StreamingContext) => DStream<V>,
  expectedOutput: readonly (readonly V[])[],
  options: HarnessOptions & { useSet: boolean },
): Promise<void> {
  const env = setupStreams(
    (ssc) => operation(inputStream(ssc, input1, options.numPartitions), inputStream(ssc, input2, options.numPartitions), ssc),
    options,
  );
  await runAndVerify(env, expectedOutput, options);
}

async function runAndVerify<V>(env: TestEnv<V>, expectedOutput: readonly (readonly V[])[], options: HarnessOptions): Promise<void> {
  const numBatches = options.numBatches !== undefined && options.numBatches > 0 ? options.numBatches : expectedOutput.length;
  await withStreamingContext(env, async () => {
    const output = await runStreams(env, numBatches, expectedOutput.length);
    verifyOutput(output, expectedOutput, options.useSet ?? false);
  });
}

/** Scala's `toSet` for comparison: distinct values (deep equality), in a canonical order. */
export function asSet<V>(values: readonly V[]): V[] {
  const byKey = new Map<string, V>();
  for (const v of values) byKey.set(canonical(v), v);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** A text form equal for deeply equal values; sets and maps are order-insensitive. */
export function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Set) return `Set{${[...value].map(canonical).sort().join(',')}}`;
  if (value instanceof Map) return `Map{${[...value].map(canonical).sort().join(',')}}`;
  const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** Spark's `a to b`, inclusive. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
