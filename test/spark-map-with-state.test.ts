// Spark's MapWithStateSuite (streaming/src/test/.../MapWithStateSuite.scala), table by table.
// As in Spark: master 'local' (state in 1 partition unless the spec says otherwise), inputs in
// 2 partitions, every record mapped to (x, 1), outputs and state snapshots compared per batch as sets.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DStream, FlintError, Milliseconds, Seconds, State, StateSpec } from '../src/index.js';
import type { MapWithStateStream } from '../src/index.js';
import { CORES, asSet, inputStream, newContext, withStreamingContext, type TestCore } from './support/harness.js';

const batchDuration = Seconds(1);

interface Collected<T, K, S> {
  outputs: T[][];
  stateSnapshots: [K, S][][];
}

/**
 * How Spark's mapping function returns: `'value'` for the forms whose result is always emitted,
 * `'option'` for `(time, key, value, state) => Option[T]`, whose `None` is not emitted. Flint has
 * one form, whose every result is emitted; the port of an Option function returns `undefined` for
 * `None` and drops it with a filter, as a Flint program would.
 */
type Returns = 'value' | 'option';

/** Spark's private `getOperationOutput`: runs `numBatches` and collects both streams per batch. */
async function getOperationOutput<K, S, T>(
  core: TestCore,
  input: readonly (readonly K[])[],
  mapWithStateSpec: StateSpec<K, number, S, T | undefined>,
  numBatches: number,
  returns: Returns = 'value',
): Promise<Collected<T, K, S>> {
  const collected: Collected<T, K, S> = { outputs: [], stateSnapshots: [] };
  await withStreamingContext(newContext({ core, master: 'local' }), async ({ ssc, clock }) => {
    const trackeStateStream = inputStream(ssc, input, 2)
      .map((x) => [x, 1] as [K, number])
      .mapWithState(mapWithStateSpec);
    const emitted = returns === 'option' ? trackeStateStream.filter((x) => x !== undefined) : trackeStateStream;
    emitted.foreachRDD((batch) => void collected.outputs.push(batch.collect() as T[]));
    trackeStateStream.stateSnapshots().foreachRDD((batch) => void collected.stateSnapshots.push(batch.collect()));
    await ssc.start();
    await clock.advance(batchDuration * numBatches);
    await ssc.awaitTerminationOrTimeout(0);
  });
  return collected;
}

/** Spark's private `assert`: same number of batches, each batch equal as a set. */
function assertBatches<U>(expected: readonly (readonly U[])[], collected: readonly (readonly U[])[], typ: string): void {
  expect(collected.length, `number of collected ${typ} different from expected`).toBe(expected.length);
  expected.forEach((batch, i) => {
    expect(asSet(collected[i]!), `collected ${typ} is different from expected in batch ${i}`).toStrictEqual(asSet(batch));
  });
}

/** Spark's private `testOperation`. */
async function testOperation<K, S, T>(
  core: TestCore,
  input: readonly (readonly K[])[],
  mapWithStateSpec: StateSpec<K, number, S, T | undefined>,
  expectedOutputs: readonly (readonly T[])[],
  expectedStateSnapshots: readonly (readonly [K, S][])[],
  returns: Returns = 'value',
): Promise<void> {
  expect(expectedOutputs.length).toBe(expectedStateSnapshots.length);
  const { outputs, stateSnapshots } = await getOperationOutput(core, input, mapWithStateSpec, expectedOutputs.length, returns);
  assertBatches(expectedOutputs, outputs, 'outputs');
  assertBatches(expectedStateSnapshots, stateSnapshots, 'state snapshots');
}

/** Expects `f` to throw a FlintError with `code` (Spark's NoSuchElement / IllegalArgument). */
function expectStateError(f: () => unknown): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(FlintError);
  expect((thrown as FlintError).code).toBe('STATE_ERROR');
}

const basicInput = [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];

const basicStateData: [string, number][][] = [
  [],
  [['a', 1]],
  [['a', 2], ['b', 1]],
  [['a', 3], ['b', 2], ['c', 1]],
  [['a', 4], ['b', 3], ['c', 1]],
  [['a', 5], ['b', 3], ['c', 1]],
  [['a', 5], ['b', 3], ['c', 1]],
];

describe.each(CORES)('MapWithStateSuite (%s core)', (core: TestCore) => {
  it('state - get, exists, update, remove, ', () => {
    let state: State<number>;

    function testState(
      expectedData: number | undefined,
      { shouldBeUpdated = false, shouldBeRemoved = false, shouldBeTimingOut = false } = {},
    ): void {
      if (expectedData !== undefined) {
        expect(state.exists()).toBe(true);
        expect(state.get()).toBe(expectedData);
        expect(state.getOption()).toBe(expectedData);
        expect(state.getOption() ?? -1).toBe(expectedData);
      } else {
        expect(state.exists()).toBe(false);
        expectStateError(() => state.get());
        expect(state.getOption()).toBeUndefined();
        expect(state.getOption() ?? -1).toBe(-1);
      }

      expect(state.isTimingOut()).toBe(shouldBeTimingOut);
      if (shouldBeTimingOut) {
        expectStateError(() => state.remove());
        expectStateError(() => state.update(-1));
      }

      expect(state.isUpdated()).toBe(shouldBeUpdated);

      expect(state.isRemoved()).toBe(shouldBeRemoved);
      if (shouldBeRemoved) {
        expectStateError(() => state.remove());
        expectStateError(() => state.update(-1));
      }
    }

    state = new State<number>();
    testState(undefined);

    state.wrap(undefined, false); // Spark's wrap(None)
    testState(undefined);

    state.wrap(1, true); // Spark's wrap(Some(1))
    testState(1);

    state.update(2);
    testState(2, { shouldBeUpdated: true });

    state = new State<number>();
    state.update(2);
    testState(2, { shouldBeUpdated: true });

    state.remove();
    testState(undefined, { shouldBeRemoved: true });

    state.wrap(3, true, true); // Spark's wrapTimingOutState(3)
    testState(3, { shouldBeTimingOut: true });
  });

  it('mapWithState - basic operations with simple API', async () => {
    const outputData = [[], [1], [2, 1], [3, 2, 1], [4, 3], [5], []];
    // state maintains running count, and updated count is returned
    const mappingFunc = (_key: string, value: number | undefined, state: State<number>): number => {
      const sum = (value ?? 0) + (state.getOption() ?? 0);
      state.update(sum);
      return sum;
    };
    await testOperation(core, basicInput, StateSpec.function(mappingFunc), outputData, basicStateData);
  });

  it('mapWithState - basic operations with advanced API', async () => {
    const outputData = [[], ['aa'], ['aa', 'bb'], ['aa', 'bb', 'cc'], ['aa', 'bb'], ['aa'], []];
    // state maintains running count, key string doubled and returned
    const mappingFunc = (key: string, value: number | undefined, state: State<number>, _batchTime: number): string => {
      const sum = (value ?? 0) + (state.getOption() ?? 0);
      state.update(sum);
      return key.repeat(2);
    };
    await testOperation(core, basicInput, StateSpec.function(mappingFunc), outputData, basicStateData);
  });

  it('mapWithState - type inferencing and class tags', async () => {
    // Scala checks the runtime class tags; TypeScript's equivalent is the inferred static types.
    // Simple track state function with value as number, state as number and mapped type as bigint
    const simpleFunc = (_key: string, _value: number | undefined, _state: State<number>): bigint => 0n;
    // Advanced track state function, also reading the batch time
    const advancedFunc = (_key: string, _value: number | undefined, _state: State<number>, _time: number): bigint => 0n;

    await withStreamingContext(newContext({ core, master: 'local' }), async ({ ssc }) => {
      const stream: DStream<[string, number]> = inputStream(ssc, [], 2);
      expectTypeOf(stream.mapWithState(StateSpec.function(simpleFunc).numPartitions(1))).toEqualTypeOf<
        MapWithStateStream<string, number, bigint>
      >();
      const simpleFuncSpec = StateSpec.function<string, number, number, bigint>(simpleFunc);
      expectTypeOf(stream.mapWithState(simpleFuncSpec)).toEqualTypeOf<MapWithStateStream<string, number, bigint>>();
      const advFuncSpec = StateSpec.function(advancedFunc);
      expectTypeOf(stream.mapWithState(advFuncSpec)).toEqualTypeOf<MapWithStateStream<string, number, bigint>>();
      const advFunctionStateStream = stream.mapWithState(advFuncSpec);
      expectTypeOf(advFunctionStateStream.stateSnapshots()).toEqualTypeOf<DStream<[string, number]>>();
      // expectTypeOf is checked by the type checker; at run time, check the stream's shape.
      expect(advFunctionStateStream).toBeInstanceOf(DStream);
      expect(advFunctionStateStream.stateSnapshots()).toBeInstanceOf(DStream);
    });
  });

  it('mapWithState - states as mapped data', async () => {
    const outputData: [string, number][][] = [
      [],
      [['a', 1]],
      [['a', 2], ['b', 1]],
      [['a', 3], ['b', 2], ['c', 1]],
      [['a', 4], ['b', 3]],
      [['a', 5]],
      [],
    ];
    const mappingFunc = (key: string, value: number | undefined, state: State<number>): [string, number] => {
      const sum = (value ?? 0) + (state.getOption() ?? 0);
      const output: [string, number] = [key, sum];
      state.update(sum);
      return output;
    };
    await testOperation(core, basicInput, StateSpec.function(mappingFunc), outputData, basicStateData);
  });

  it('mapWithState - initial states, with nothing returned as from mapping function', async () => {
    const initialState: [string, number][] = [['a', 5], ['b', 10], ['c', -20], ['d', 0]];
    const outputData = basicInput.map(() => [] as number[]);
    const stateData: [string, number][][] = [
      [['a', 5], ['b', 10], ['c', -20], ['d', 0]],
      [['a', 6], ['b', 10], ['c', -20], ['d', 0]],
      [['a', 7], ['b', 11], ['c', -20], ['d', 0]],
      [['a', 8], ['b', 12], ['c', -19], ['d', 0]],
      [['a', 9], ['b', 13], ['c', -19], ['d', 0]],
      [['a', 10], ['b', 13], ['c', -19], ['d', 0]],
      [['a', 10], ['b', 13], ['c', -19], ['d', 0]],
    ];
    const mappingFunc = (_key: string, value: number | undefined, state: State<number>): number | undefined => {
      const sum = (value ?? 0) + (state.getOption() ?? 0);
      state.update(sum);
      return undefined; // Spark's None
    };
    const mapWithStateSpec = StateSpec.function(mappingFunc).initialState(initialState);
    await testOperation(core, basicInput, mapWithStateSpec, outputData, stateData, 'option');
  });

  // Not in Spark's suite: Spark emits whatever a (key, value, state) => T function returns, null
  // included, so Flint emits undefined too.
  it('mapWithState - undefined returned by the function is emitted', async () => {
    const mappingFunc = (_key: string, value: number | undefined, state: State<number>): number | undefined => {
      state.update((state.getOption() ?? 0) + (value ?? 0));
      return undefined;
    };
    const { outputs, stateSnapshots } = await getOperationOutput(core, basicInput, StateSpec.function(mappingFunc), basicInput.length);
    expect(outputs).toEqual(basicInput.map((batch) => batch.map(() => undefined)));
    assertBatches(basicStateData, stateSnapshots, 'state snapshots');
  });

  it('mapWithState - state removing', async () => {
    const inputData = [
      [],
      ['a'],
      ['a', 'b'], // a will be removed
      ['a', 'b', 'c'], // b will be removed
      ['a', 'b', 'c'], // a and c will be removed
      ['a', 'b'], // b will be removed
      ['a'], // a will be removed
      [],
    ];
    // States that were removed
    const outputData = [[], [], ['a'], ['b'], ['a', 'c'], ['b'], ['a'], []];
    const stateData: [string, number][][] = [[], [['a', 1]], [['b', 1]], [['a', 1], ['c', 1]], [['b', 1]], [['a', 1]], [], []];
    const mappingFunc = (key: string, value: number | undefined, state: State<number>): string | undefined => {
      if (state.exists()) {
        state.remove();
        return key;
      }
      state.update(value!);
      return undefined;
    };
    await testOperation(core, inputData, StateSpec.function(mappingFunc).numPartitions(1), outputData, stateData, 'option');
  });

  it('mapWithState - state timing out', async () => {
    const inputData = [
      ['a', 'b', 'c'],
      ['a', 'b'],
      ['a'],
      [], // c will time out
      [], // b will time out
      ['a'], // a will not time out
      ...Array.from({ length: 20 }, () => ['a']), // a will continue to stay active
    ];
    const mappingFunc = (key: string, value: number | undefined, state: State<number>): string | undefined => {
      if (value !== undefined) state.update(1);
      return state.isTimingOut() ? key : undefined;
    };
    const { outputs: collectedOutputs, stateSnapshots: collectedStateSnapshots } = await getOperationOutput(
      core,
      inputData,
      StateSpec.function(mappingFunc).timeout(Seconds(3)),
      20,
      'option',
    );

    // b and c should be returned once each, when they were marked as expired
    expect(collectedOutputs.flat().sort()).toEqual(['b', 'c']);

    // States for a, b, c should be defined at one point of time
    expect(
      collectedStateSnapshots.some(
        (snapshot) => JSON.stringify(asSet(snapshot)) === JSON.stringify(asSet([['a', 1], ['b', 1], ['c', 1]])),
      ),
    ).toBe(true);

    // Finally state should be defined only for a
    expect(asSet(collectedStateSnapshots.at(-1)!)).toStrictEqual([['a', 1]]);
  });

  it('mapWithState - checkpoint durations', async () => {
    // Spark reads the internal stream's checkpoint duration; Flint keeps that stream private, so
    // this checks what the duration decides: timeouts are found only on checkpoint batches.
    // With a 1 ms timeout, a key seen in the first batch times out at the first checkpoint batch.
    async function testCheckpointDuration(
      batchDuration: number,
      expectedCheckpointDuration: number,
      explicitCheckpointDuration?: number,
    ): Promise<void> {
      await withStreamingContext(newContext({ core, master: 'local', batchDuration }), async ({ ssc, clock }) => {
        const inputStreamMapped = inputStream(ssc, [[1]], 2).map((x) => [x, 1] as [number, number]);
        const timingOutAt: number[] = [];
        const dummyFunc = (_key: number, _value: number | undefined, state: State<number>, time: number): number => {
          if (state.isTimingOut()) timingOutAt.push(time);
          else state.update(0);
          return 0;
        };
        const mapWithStateStream = inputStreamMapped.mapWithState(StateSpec.function(dummyFunc).timeout(Milliseconds(1)));
        if (explicitCheckpointDuration !== undefined) mapWithStateStream.checkpoint(explicitCheckpointDuration);
        mapWithStateStream.foreachRDD(() => {});
        await ssc.start(); // should initialize all the checkpoint durations
        expect(mapWithStateStream.checkpointDuration).toBeUndefined();
        await clock.advance(expectedCheckpointDuration);
        await ssc.awaitTerminationOrTimeout(0);
        expect(timingOutAt).toEqual([expectedCheckpointDuration]);
      });
    }

    await testCheckpointDuration(Milliseconds(100), Seconds(1));
    await testCheckpointDuration(Seconds(1), Seconds(10));
    await testCheckpointDuration(Seconds(10), Seconds(100));

    await testCheckpointDuration(Milliseconds(100), Seconds(2), Seconds(2));
    await testCheckpointDuration(Seconds(1), Seconds(2), Seconds(2));
    await testCheckpointDuration(Seconds(10), Seconds(20), Seconds(20));
  });

  // Spark stops the context after 3 batches and restarts it from the checkpoint; Flint cannot
  // recover a context from a checkpoint yet, so this runs the same table without the restart.
  it('mapWithState - driver failure recovery (without the restart)', async () => {
    const checkpointDuration = batchDuration * Math.trunc(basicStateData.length / 2);
    const runningCount = (_key: string, value: number | undefined, state: State<number>): number => {
      state.update((state.getOption() ?? 0) + (value ?? 0));
      return state.get();
    };
    const collected: [string, number][][] = [];
    await withStreamingContext(newContext({ core, master: 'local' }), async ({ ssc, clock }) => {
      const mapWithStateStream = inputStream(ssc, basicInput, 2)
        .map((x) => [x, 1] as [string, number])
        .mapWithState(StateSpec.function(runningCount));
      // Set interval make sure there is one RDD checkpointing
      mapWithStateStream.checkpoint(checkpointDuration);
      mapWithStateStream.stateSnapshots().foreachRDD((batch) => void collected.push(batch.collect()));
      await ssc.start();
      await clock.advance(batchDuration * basicStateData.length);
      await ssc.awaitTerminationOrTimeout(0);
    });
    assertBatches(basicStateData, collected, 'state snapshots');
  });
});
