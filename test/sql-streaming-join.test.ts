// Ported from Spark's StreamingInnerJoinSuite, StreamingOuterJoinSuite, StreamingFullOuterJoinSuite
// and StreamingLeftSemiJoinSuite (the cases joining on key and window columns): inner, outer and
// left semi joins of two streams, state evicted
// by the watermark on the window key, unmatched rows output with nulls when evicted, late rows
// dropped and counted, restarts from the checkpoint; and Spark's output-mode rules for them.
// Both cores.
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type DataFrame, type FlintSession, type JoinType, type MemoryStream } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest, tempDir } from './support/stream-test.js';

const { col, timestamp_seconds, window } = F;
afterEach(cleanUp);

/** Spark's setupWindowedJoin: (key, window(10 s), key*2) and (key, window(10 s), key*3), watermarked on `watermarked` sides. */
function windowedJoin(flint: FlintSession, joinType: JoinType, watermarked: ('left' | 'right')[]) {
  const side = (name: string, factor: number, valueName: string, watermark: boolean): [MemoryStream, DataFrame] => {
    const input = flint.memoryStream(name, schemaOf({ value: 'long' }));
    let df = input.toDF().select(col('value').as('key'), timestamp_seconds(col('value')).as('timestamp'), col('value').multiply(factor).as(valueName));
    if (watermark) df = df.withWatermark('timestamp', '10 seconds');
    return [input, df.select(col('key'), window(col('timestamp'), '10 seconds').as('window'), col(valueName))];
  };
  const [leftInput, left] = side('left', 2, 'leftValue', watermarked.includes('left'));
  const [rightInput, right] = side('right', 3, 'rightValue', watermarked.includes('right'));
  const keys = [col('key'), col('window').getField('end').cast('long')];
  const joined = left.join(right, ['key', 'window'], joinType).select(...keys, col('leftValue'), ...(joinType === 'left_semi' ? [] : [col('rightValue')]));
  return { leftInput, rightInput, joined };
}

describe.each(CORES)('stream-stream joins (%s core)', (core) => {
  it('stream stream inner join on windows - with watermark', async () => {
    const flint = session(core);
    const { leftInput, rightInput, joined } = windowedJoin(flint, 'inner', ['left']);
    const t = new StreamTest(flint, joined, 'append', tempDir());
    await t.start();
    leftInput.addData(1);
    await t.checkAnswer();
    t.assertNumStateRows(1, 1);
    rightInput.addData(1);
    await t.checkAnswer([1, 10, 2, 3]);
    t.assertNumStateRows(2, 1);
    await t.stop();
    await t.start();
    leftInput.addData(25); // watermark 15: the no-data batch evicts both rows of window [0, 10)
    await t.checkNewAnswer();
    t.assertNumStateRows(1, 1);
    rightInput.addData(25);
    await t.checkNewAnswer([25, 30, 50, 75]);
    t.assertNumStateRows(2, 1);
    await t.stop();
    await t.start();
    rightInput.addData(1); // its window is behind the watermark: not joined, not kept
    await t.checkNewAnswer();
    t.assertNumStateRows(2, 0);
    leftInput.addData(5); // the left side's rows behind the watermark are dropped as late
    await t.checkNewAnswer();
    t.assertNumStateRows(2, 0, 1);
  });

  it('windowed left outer join', async () => {
    const flint = session(core);
    const { leftInput, rightInput, joined } = windowedJoin(flint, 'left_outer', ['left', 'right']);
    const t = new StreamTest(flint, joined, 'append', tempDir());
    await t.start();
    leftInput.addData(1, 2, 3, 4, 5);
    rightInput.addData(3, 4, 5, 6, 7);
    await t.checkNewAnswer([3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]);
    leftInput.addData(21);
    rightInput.addData(22); // watermark 11: the no-data batch outputs the unmatched left rows
    await t.checkNewAnswer([1, 10, 2, null], [2, 10, 4, null]);
    t.assertNumStateRows(2, 12);
    leftInput.addData(22);
    await t.checkNewAnswer([22, 30, 44, 66]);
    t.assertNumStateRows(3, 1);
    await t.stop();
    await t.start();
    leftInput.addData(1);
    await t.checkNewAnswer();
    t.assertNumStateRows(3, 0, 1);
    rightInput.addData(5);
    await t.checkNewAnswer();
    t.assertNumStateRows(3, 0, 1);
  });

  it('windowed right outer join', async () => {
    const flint = session(core);
    const { leftInput, rightInput, joined } = windowedJoin(flint, 'right_outer', ['left', 'right']);
    const t = new StreamTest(flint, joined, 'append', tempDir());
    await t.start();
    leftInput.addData(1, 2, 3, 4, 5);
    rightInput.addData(3, 4, 5, 6, 7);
    await t.checkNewAnswer([3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]);
    leftInput.addData(21);
    rightInput.addData(22);
    await t.checkNewAnswer([6, 10, null, 18], [7, 10, null, 21]);
    t.assertNumStateRows(2, 12);
    leftInput.addData(22);
    await t.checkNewAnswer([22, 30, 44, 66]);
    t.assertNumStateRows(3, 1);
  });

  it('windowed full outer join', async () => {
    const flint = session(core);
    const { leftInput, rightInput, joined } = windowedJoin(flint, 'full_outer', ['left', 'right']);
    const t = new StreamTest(flint, joined, 'append', tempDir());
    await t.start();
    leftInput.addData(1, 2, 3, 4, 5);
    rightInput.addData(3, 4, 5, 6, 7);
    await t.checkNewAnswer([3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]);
    t.assertNumStateRows(10, 10);
    leftInput.addData(21);
    rightInput.addData(22); // watermark 11: both sides' unmatched rows of window [0, 10) come out
    await t.checkNewAnswer([1, 10, 2, null], [2, 10, 4, null], [6, 10, null, 18], [7, 10, null, 21]);
    t.assertNumStateRows(2, 2);
    leftInput.addData(22);
    await t.checkNewAnswer([22, 30, 44, 66]);
    t.assertNumStateRows(3, 1);
    await t.stop();
    await t.start();
    leftInput.addData(1);
    await t.checkNewAnswer();
    t.assertNumStateRows(3, 0, 1);
    rightInput.addData(5);
    await t.checkNewAnswer();
    t.assertNumStateRows(3, 0, 1);
  });

  it('windowed left semi join', async () => {
    const flint = session(core);
    const { leftInput, rightInput, joined } = windowedJoin(flint, 'left_semi', ['left', 'right']);
    const t = new StreamTest(flint, joined, 'append', tempDir());
    await t.start();
    leftInput.addData(1, 2, 3, 4, 5);
    rightInput.addData(3, 4, 5, 6, 7);
    await t.checkNewAnswer([3, 10, 6], [4, 10, 8], [5, 10, 10]);
    t.assertNumStateRows(10, 10);
    leftInput.addData(21);
    rightInput.addData(22);
    await t.checkNewAnswer();
    t.assertNumStateRows(2, 2);
    leftInput.addData(22); // matches on arrival: output, and not kept
    await t.checkNewAnswer([22, 30, 44]);
    t.assertNumStateRows(2, 0);
    rightInput.addData(22); // another match for a left row already output: nothing more
    await t.checkNewAnswer();
    t.assertNumStateRows(3, 1);
    await t.stop();
    await t.start();
    leftInput.addData(1);
    await t.checkNewAnswer();
    t.assertNumStateRows(3, 0, 1);
    rightInput.addData(5);
    await t.checkNewAnswer();
    t.assertNumStateRows(3, 0, 1);
  });

  it('a left semi join outputs a kept left row once, whatever the number of right rows matching it later', async () => {
    const flint = session(core);
    const { leftInput, rightInput, joined } = windowedJoin(flint, 'left_semi', ['left', 'right']);
    const t = new StreamTest(flint, joined, 'append');
    await t.start();
    leftInput.addData(3, 3);
    await t.checkNewAnswer();
    rightInput.addData(3, 3);
    await t.checkNewAnswer([3, 10, 6], [3, 10, 6]);
    rightInput.addData(3);
    await t.checkNewAnswer();
  });

  it("Spark's rules: append mode only, a watermarked key for outer joins", async () => {
    const flint = session(core);
    const { joined } = windowedJoin(flint, 'inner', ['left']);
    await expect(new StreamTest(flint, joined, 'update').start()).rejects.toThrow(/not supported in Update output mode, only in Append output mode/);
    const a = flint.memoryStream('a', schemaOf({ key: 'long', x: 'long' })).toDF();
    const b = flint.memoryStream('b', schemaOf({ key: 'long', y: 'long' })).toDF();
    await expect(new StreamTest(flint, a.join(b, 'key', 'left_outer'), 'append').start()).rejects.toThrow(/LeftOuter join .* not supported without a watermark in the join keys/);
  });

  it('an inner join on plain keys matches rows across batches, each pair once, in either order', async () => {
    const flint = session(core);
    const a = flint.memoryStream('a', schemaOf({ key: 'long', x: 'string' }));
    const b = flint.memoryStream('b', schemaOf({ key: 'long', y: 'string' }));
    const t = new StreamTest(flint, a.toDF().join(b.toDF(), 'key'), 'append');
    await t.start();
    a.addData({ key: 1, x: 'a1' }, { key: 2, x: 'a2' }, { key: null as unknown as number, x: 'none' });
    b.addData({ key: 1, y: 'b1' });
    await t.checkNewAnswer([1, 'a1', 'b1']);
    b.addData({ key: 1, y: 'b1bis' }, { key: 2, y: 'b2' }, { key: null as unknown as number, y: 'none' });
    a.addData({ key: 2, x: 'a2bis' });
    await t.checkNewAnswer([1, 'a1', 'b1bis'], [2, 'a2', 'b2'], [2, 'a2bis', 'b2']);
  });
});

describe.each(CORES)('window() in a select (%s core)', (core) => {
  it("gives one row per window, as Spark's TimeWindowing expands sliding windows", async () => {
    const flint = session(core);
    const input = flint.memoryStream('t', schemaOf({ s: 'long' }));
    const df = input.toDF().select(col('s'), window(timestamp_seconds(col('s')), '10 seconds', '5 seconds').as('w')).select(col('s'), col('w').getField('start').cast('long'));
    const t = new StreamTest(flint, df, 'append');
    await t.start();
    input.addData(7, 10);
    await t.checkNewAnswer([7, 0], [7, 5], [10, 5], [10, 10]);
    expect(() => input.toDF().select(window(timestamp_seconds(col('s')), '10 seconds'), F.explode(F.split(F.lit('a b'), ' ')))).toThrow(/only one generator/);
  });
});
