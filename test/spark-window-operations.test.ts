// Spark's WindowOperationsSuite (streaming/src/test/.../WindowOperationsSuite.scala), table by
// table. Every helper compares batches as sets and runs expected.length * (slide / batch) batches.
import { describe, it } from 'vitest';
import { DStream, Seconds } from '../src/index.js';
import { CORES, testOperation, type TestCore } from './support/harness.js';

type Pair = [string, number];

const batchDuration = Seconds(1);

const largerSlideInput: Pair[][] = [
  [['a', 1]],
  [['a', 2]], // 1st window from here
  [['a', 3]],
  [['a', 4]], // 2nd window from here
  [['a', 5]],
  [['a', 6]], // 3rd window from here
  [],
  [], // 4th window from here
];

const largerSlideReduceOutput: Pair[][] = [[['a', 3]], [['a', 10]], [['a', 18]], [['a', 11]]];

const bigInput: Pair[][] = [
  [['a', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1], ['b', 1], ['c', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1]],
  [],
  [['a', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1], ['b', 1], ['c', 1]],
  [['a', 1], ['b', 1]],
  [['a', 1]],
  [],
];

const bigGroupByOutput: [string, number[]][][] = [
  [['a', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1]]],
  [['a', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1, 1]], ['c', [1]]],
  [['a', [1, 1]], ['b', [1]]],
  [['a', [1]]],
];

const bigReduceOutput: Pair[][] = [
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1]],
  [['a', 1]],
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1]],
  [['a', 1]],
];

/*
The output of the reduceByKeyAndWindow with inverse function but without a filter
function will be different from the naive reduceByKeyAndWindow, as no keys get
eliminated from the ReducedWindowedDStream even if the value of a key becomes 0.
*/
const bigReduceInvOutput: Pair[][] = [
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 2], ['c', 1]],
  [['a', 2], ['b', 1], ['c', 0]],
  [['a', 1], ['b', 0], ['c', 0]],
];

/** Spark's `numBatches = expectedOutput.size * (slideDuration / batchDuration).toInt`. */
function numBatchesFor(expectedOutput: readonly unknown[], slideDuration: number): number {
  return expectedOutput.length * Math.trunc(slideDuration / batchDuration);
}

describe.each(CORES)('WindowOperationsSuite (%s core)', (core: TestCore) => {
  /** Registers `<prefix><name>` running `operation(window, slide)` as Spark's helpers do. */
  function testWindowed<U, V>(
    title: string,
    input: U[][],
    expectedOutput: V[][],
    operation: (s: DStream<U>, windowDuration: number, slideDuration: number) => DStream<V>,
    windowDuration: number,
    slideDuration: number,
  ): void {
    it(title, async () => {
      const numBatches = numBatchesFor(expectedOutput, slideDuration);
      await testOperation(input, (s: DStream<U>) => operation(s, windowDuration, slideDuration), expectedOutput, {
        core,
        numBatches,
        useSet: true,
      });
    });
  }

  const add = (x: number, y: number): number => x + y;
  const sub = (x: number, y: number): number => x - y;

  function testWindow(name: string, input: number[][], expectedOutput: number[][], windowDuration = Seconds(2), slideDuration = Seconds(1)): void {
    testWindowed(`window - ${name}`, input, expectedOutput, (s, w, sl) => s.window(w, sl), windowDuration, slideDuration);
  }

  function testReduceByKeyAndWindow(
    name: string,
    input: Pair[][],
    expectedOutput: Pair[][],
    windowDuration = Seconds(2),
    slideDuration = Seconds(1),
  ): void {
    testWindowed(
      `reduceByKeyAndWindow - ${name}`,
      input,
      expectedOutput,
      (s: DStream<Pair>, w, sl) => s.reduceByKeyAndWindow(add, w, sl),
      windowDuration,
      slideDuration,
    );
  }

  function testReduceByKeyAndWindowWithInverse(
    name: string,
    input: Pair[][],
    expectedOutput: Pair[][],
    windowDuration = Seconds(2),
    slideDuration = Seconds(1),
  ): void {
    testWindowed(
      `reduceByKeyAndWindow with inverse function - ${name}`,
      input,
      expectedOutput,
      (s: DStream<Pair>, w, sl) => s.reduceByKeyAndWindow(add, sub, w, sl).checkpoint(Seconds(100)), // Large value to avoid effect of RDD checkpointing
      windowDuration,
      slideDuration,
    );
  }

  function testReduceByKeyAndWindowWithFilteredInverse(
    name: string,
    input: Pair[][],
    expectedOutput: Pair[][],
    windowDuration = Seconds(2),
    slideDuration = Seconds(1),
  ): void {
    const filterFunc = (p: Pair): boolean => p[1] !== 0;
    testWindowed(
      `reduceByKeyAndWindow with inverse and filter functions - ${name}`,
      input,
      expectedOutput,
      (s: DStream<Pair>, w, sl) =>
        s
          .reduceByKeyAndWindow(add, sub, w, sl, undefined, filterFunc)
          .persist()
          .checkpoint(Seconds(100)), // Large value to avoid effect of RDD checkpointing
      windowDuration,
      slideDuration,
    );
  }

  // Testing window operation

  testWindow('basic window', [[0], [1], [2], [3], [4], [5]], [[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);

  testWindow('tumbling window', [[0], [1], [2], [3], [4], [5]], [[0, 1], [2, 3], [4, 5]], Seconds(2), Seconds(2));

  testWindow(
    'larger window',
    [[0], [1], [2], [3], [4], [5]],
    [[0, 1], [0, 1, 2, 3], [2, 3, 4, 5], [4, 5]],
    Seconds(4),
    Seconds(2),
  );

  testWindow('non-overlapping window', [[0], [1], [2], [3], [4], [5]], [[1, 2], [4, 5]], Seconds(2), Seconds(3));

  // 'window - persistence level' is not ported: Flint has no storage levels. Every stream
  // computes a batch once and shares it while remembered, so persist() only returns the stream.

  // Testing naive reduceByKeyAndWindow (without invertible function)

  testReduceByKeyAndWindow('basic reduction', [[['a', 1], ['a', 3]]], [[['a', 4]]]);

  testReduceByKeyAndWindow(
    'key already in window and new value added into window',
    [[['a', 1]], [['a', 1]]],
    [[['a', 1]], [['a', 2]]],
  );

  testReduceByKeyAndWindow(
    'new key added into window',
    [[['a', 1]], [['a', 1], ['b', 1]]],
    [[['a', 1]], [['a', 2], ['b', 1]]],
  );

  testReduceByKeyAndWindow(
    'key removed from window',
    [[['a', 1]], [['a', 1]], [], []],
    [[['a', 1]], [['a', 2]], [['a', 1]], []],
  );

  testReduceByKeyAndWindow('larger slide time', largerSlideInput, largerSlideReduceOutput, Seconds(4), Seconds(2));

  testReduceByKeyAndWindow('big test', bigInput, bigReduceOutput);

  // Testing reduceByKeyAndWindow (with invertible reduce function)

  testReduceByKeyAndWindowWithInverse('basic reduction', [[['a', 1], ['a', 3]]], [[['a', 4]]]);

  testReduceByKeyAndWindowWithInverse(
    'key already in window and new value added into window',
    [[['a', 1]], [['a', 1]]],
    [[['a', 1]], [['a', 2]]],
  );

  testReduceByKeyAndWindowWithInverse(
    'new key added into window',
    [[['a', 1]], [['a', 1], ['b', 1]]],
    [[['a', 1]], [['a', 2], ['b', 1]]],
  );

  testReduceByKeyAndWindowWithInverse(
    'key removed from window',
    [[['a', 1]], [['a', 1]], [], []],
    [[['a', 1]], [['a', 2]], [['a', 1]], [['a', 0]]],
  );

  testReduceByKeyAndWindowWithInverse(
    'larger slide time',
    largerSlideInput,
    largerSlideReduceOutput,
    Seconds(4),
    Seconds(2),
  );

  testReduceByKeyAndWindowWithInverse('big test', bigInput, bigReduceInvOutput);

  testReduceByKeyAndWindowWithFilteredInverse('big test', bigInput, bigReduceOutput);

  testWindowed(
    'groupByKeyAndWindow',
    bigInput,
    bigGroupByOutput.map((batch) => batch.map(([k, vs]) => [k, new Set(vs)] as [string, Set<number>])),
    (s: DStream<Pair>, w, sl) => s.groupByKeyAndWindow(w, sl).map(([k, vs]) => [k, new Set(vs)] as [string, Set<number>]),
    Seconds(2),
    Seconds(1),
  );

  testWindowed(
    'countByWindow',
    [[1], [1], [1, 2], [0], [], []],
    [[1], [2], [3], [3], [1], [0]],
    (s: DStream<number>, w, sl) => s.countByWindow(w, sl).map((x) => Math.trunc(x)),
    Seconds(2),
    Seconds(1),
  );

  testWindowed(
    'countByValueAndWindow',
    [['a'], ['b', 'b'], ['a', 'b']],
    [[['a', 1]], [['a', 1], ['b', 2]], [['a', 1], ['b', 3]]] as Pair[][],
    (s: DStream<string>, w, sl) => s.countByValueAndWindow(w, sl).map(([k, n]) => [k, Math.trunc(n)] as Pair),
    Seconds(2),
    Seconds(1),
  );
});
