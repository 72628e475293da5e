// Ported from Spark's StreamingInnerJoinSuite, StreamingFullOuterJoinSuite and
// StreamingLeftSemiJoinSuite: joins of two streams on a condition (`expr(...)`) whose equality is
// the key and whose time range bounds how long a kept row can match, with Spark's expected rows
// and state-row counts (state evicted by each side's bound, late rows dropped); and the refusal of
// a stream-stream join without an equality. Both cores.
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type FlintSession, type JoinType, type Value } from '../src/index.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, sorted, StreamTest, tempDir } from './support/stream-test.js';

const { col, expr, timestamp_seconds } = F;
afterEach(cleanUp);

/** Spark's (leftKey, leftTime, leftValue) and (rightKey, rightTime, rightValue) streams, each watermarked. */
function sides(flint: FlintSession, leftDelay = '10 seconds', rightDelay = '10 seconds') {
  const side = (name: 'left' | 'right', factor: number, delay: string) => {
    const input = flint.memoryStream(name, schemaOf({ key: 'long', time: 'long' }));
    const df = input
      .toDF()
      .select(col('key').as(`${name}Key`), timestamp_seconds(col('time')).as(`${name}Time`), col('key').multiply(factor).as(`${name}Value`))
      .withWatermark(`${name}Time`, delay);
    return [input, df] as const;
  };
  const [leftInput, left] = side('left', 2, leftDelay);
  const [rightInput, right] = side('right', 3, rightDelay);
  return { leftInput, rightInput, left, right };
}

/** Spark's setupJoinWithRangeCondition: leftTime within 5 seconds of rightTime. */
function rangeJoin(flint: FlintSession, joinType: JoinType) {
  const { leftInput, rightInput, left, right } = sides(flint);
  const joined = left.join(right, expr('leftKey = rightKey AND leftTime BETWEEN rightTime - interval 5 seconds AND rightTime + interval 5 seconds'), joinType);
  const select = joinType === 'left_semi' ? joined.select(col('leftKey'), col('leftTime').cast('int')) : joined.select(col('leftKey'), col('rightKey'), col('leftTime').cast('int'), col('rightTime').cast('int'));
  return { leftInput, rightInput, joined: select };
}

describe.each(CORES)('stream-stream joins on a time range (%s core)', (core) => {
  it('stream stream inner join with time range - with watermark - one side condition', async () => {
    const flint = session(core);
    const { leftInput, rightInput, left, right } = sides(flint);
    const joined = left.join(right, expr('leftKey = rightKey AND leftTime < rightTime - interval 5 seconds')).select(col('leftKey'), col('leftTime').cast('int'), col('rightTime').cast('int'));
    const t = new StreamTest(flint, joined, 'append', tempDir());
    await t.start();
    leftInput.addData({ key: 1, time: 5 });
    await t.checkAnswer();
    rightInput.addData({ key: 1, time: 11 });
    await t.checkNewAnswer([1, 5, 11]);
    rightInput.addData({ key: 1, time: 10 });
    await t.checkNewAnswer(); // 5 is not < 10 - 5
    t.assertNumStateRows(3, 3);
    leftInput.addData({ key: 1, time: 3 }, { key: 1, time: 30 });
    await t.checkNewAnswer([1, 3, 10], [1, 3, 11]);
    t.assertNumStateRows(5, 2);
    rightInput.addData({ key: 0, time: 30 });
    await t.checkNewAnswer();
    // Watermark 20: left rows to come are after 20, so a right row can match only if rightTime > 25.
    t.assertNumStateRows(4, 1);
    await t.stop();
    await t.start();
    rightInput.addData({ key: 1, time: 20 }, { key: 1, time: 21 }, { key: 1, time: 28 });
    // 20 is late; 21 joins the kept left rows but is not kept (21 <= 25); 28 joins and is kept.
    await t.checkNewAnswer([1, 3, 21], [1, 5, 21], [1, 3, 28], [1, 5, 28]);
    t.assertNumStateRows(5, 1, 1);
    leftInput.addData({ key: 1, time: 20 }, { key: 1, time: 21 });
    await t.checkNewAnswer([1, 21, 28]);
    t.assertNumStateRows(6, 1, 1);
  });

  it('stream stream inner join with time range - with watermark - two side conditions', async () => {
    const flint = session(core);
    const { leftInput, rightInput, left, right } = sides(flint, '20 seconds', '30 seconds');
    const condition = expr('leftKey = rightKey AND leftTime BETWEEN rightTime - interval 10 seconds AND rightTime + interval 5 seconds');
    const joined = left.join(right, condition).select(col('leftKey'), col('leftTime').cast('int'), col('rightTime').cast('int'));
    const t = new StreamTest(flint, joined, 'append');
    const at = (...times: number[]) => times.map((time) => ({ key: 1, time }));
    await t.start();
    leftInput.addData(...at(20));
    await t.checkAnswer();
    rightInput.addData(...at(14, 15, 25, 26, 30, 31));
    await t.checkNewAnswer([1, 20, 15], [1, 20, 25], [1, 20, 26], [1, 20, 30]);
    t.assertNumStateRows(7, 7);
    rightInput.addData(...at(60));
    await t.checkNewAnswer();
    leftInput.addData(...at(49, 50, 65, 66));
    await t.checkNewAnswer([1, 50, 60], [1, 65, 60]);
    // Watermark min(66 - 20, 60 - 30) = 30: left rows before 20 go (none), right rows before 25 (14, 15).
    t.assertNumStateRows(10, 5);
    leftInput.addData(...at(30, 31)); // 30 is late
    await t.checkNewAnswer([1, 31, 26], [1, 31, 30], [1, 31, 31]);
    t.assertNumStateRows(11, 1, 1);
    rightInput.addData(...at(80));
    await t.checkNewAnswer();
    // Watermark min(46, 50) = 46: left rows before 36 go (20, 31), right rows before 41 (25, 26, 30, 31).
    t.assertNumStateRows(6, 1);
    rightInput.addData(...at(46, 50)); // 46 is late
    await t.checkNewAnswer([1, 49, 50], [1, 50, 50]);
    t.assertNumStateRows(7, 1, 1);
  });

  it('full outer join with watermark range condition', async () => {
    const flint = session(core);
    const { leftInput, rightInput, joined } = rangeJoin(flint, 'full_outer');
    const t = new StreamTest(flint, joined, 'append');
    await t.start();
    leftInput.addData({ key: 1, time: 5 }, { key: 3, time: 5 });
    await t.checkNewAnswer();
    t.assertNumStateRows(2, 2);
    rightInput.addData({ key: 1, time: 10 }, { key: 2, time: 5 });
    await t.checkNewAnswer([1, 1, 5, 10]);
    t.assertNumStateRows(4, 2);
    rightInput.addData({ key: 1, time: 9 });
    await t.checkNewAnswer([1, 1, 5, 9]);
    t.assertNumStateRows(5, 1);
    leftInput.addData({ key: 1, time: 7 }, { key: 1, time: 30 });
    await t.checkNewAnswer([1, 1, 7, 9], [1, 1, 7, 10]);
    t.assertNumStateRows(7, 2);
    rightInput.addData({ key: 0, time: 30 }); // watermark 20: both sides' unmatched rows come out
    await t.checkNewAnswer([3, null, 5, null], [null, 2, null, 5]);
    t.assertNumStateRows(2, 1);
  });

  it('left semi join with watermark range condition', async () => {
    const flint = session(core);
    const { leftInput, rightInput, joined } = rangeJoin(flint, 'left_semi');
    const t = new StreamTest(flint, joined, 'append');
    await t.start();
    leftInput.addData({ key: 1, time: 5 }, { key: 3, time: 5 });
    await t.checkNewAnswer();
    t.assertNumStateRows(2, 2);
    rightInput.addData({ key: 1, time: 10 }, { key: 2, time: 5 });
    await t.checkNewAnswer([1, 5]);
    t.assertNumStateRows(4, 2);
    rightInput.addData({ key: 1, time: 9 }); // the left row has matched already
    await t.checkNewAnswer();
    t.assertNumStateRows(5, 1);
    leftInput.addData({ key: 1, time: 7 }, { key: 1, time: 30 });
    await t.checkNewAnswer([1, 7]);
    t.assertNumStateRows(6, 1);
    rightInput.addData({ key: 0, time: 30 });
    await t.checkNewAnswer();
    t.assertNumStateRows(2, 1);
  });

  it('a left outer join on a range outputs a left row with nulls once no right row can match it', async () => {
    const flint = session(core);
    const { leftInput, rightInput, joined } = rangeJoin(flint, 'left_outer');
    const t = new StreamTest(flint, joined, 'append');
    await t.start();
    leftInput.addData({ key: 1, time: 5 }, { key: 2, time: 5 });
    rightInput.addData({ key: 1, time: 8 });
    await t.checkNewAnswer([1, 1, 5, 8]);
    leftInput.addData({ key: 9, time: 40 });
    rightInput.addData({ key: 9, time: 40 }); // watermark 30: left rows before 25 can no longer match
    await t.checkNewAnswer([2, null, 5, null], [9, 9, 40, 40]);
  });

  it("Spark's rules for joins on a condition", async () => {
    const flint = session(core);
    const { left, right } = sides(flint);
    const noEquality = left.join(right, expr('leftKey < rightKey'));
    await expect(new StreamTest(flint, noEquality, 'append').start()).rejects.toThrow(/Stream-stream join without equality predicate is not supported/);
    const noRange = left.join(right, expr('leftKey = rightKey AND leftValue < rightValue'), 'left_outer');
    await expect(new StreamTest(flint, noRange, 'append').start()).rejects.toThrow(/LeftOuter join between two streaming DataFrame\/Datasets is not supported without a watermark in the join keys, or a watermark on the nullable side and an appropriate range condition/);
    expect(() => left.join(left, expr('leftKey = leftKey'))).toThrow(/both sides have a column named "leftKey", "leftTime", "leftValue"; rename one side's/);
    expect(() => left.join(right, expr('leftKey = nokey'))).toThrow(/the condition reads column "nokey", which neither side has/);
  });
});

describe.each(CORES)('stream-stream inner joins against a nested loop (%s core)', (core) => {
  it.each([1, 2, 3])('random batches on both sides with a restart: every matching pair once (seed %i)', async (seed) => {
    const flint = session(core);
    let state = seed * 7919;
    const rand = (n: number) => ((state = (state * 48271) % 2147483647) % n);
    const left = flint.memoryStream('l', schemaOf({ lk: 'long', lx: 'long' }));
    const right = flint.memoryStream('r', schemaOf({ rk: 'long', ry: 'long' }));
    const joined = left.toDF().join(right.toDF(), expr('lk = rk AND lx <= ry'));
    const t = new StreamTest(flint, joined, 'append', tempDir());
    const ls: { lk: number; lx: number }[] = [];
    const rs: { rk: number; ry: number }[] = [];
    const got: Value[][] = [];
    await t.start();
    for (let batch = 0; batch < 8; batch++) {
      if (batch === 4) {
        got.push(...(await t.all())); // a restarted query's memory table starts empty
        await t.stop();
        await t.start();
      }
      const l = Array.from({ length: rand(6) }, () => ({ lk: rand(4), lx: rand(10) }));
      const r = Array.from({ length: rand(6) }, () => ({ rk: rand(4), ry: rand(10) }));
      if (l.length > 0) left.addData(...l);
      if (r.length > 0) right.addData(...r);
      ls.push(...l);
      rs.push(...r);
      await t.query!.processAllAvailable();
    }
    const want = ls.flatMap((a) => rs.filter((b) => a.lk === b.rk && a.lx <= b.ry).map((b) => [a.lk, a.lx, b.rk, b.ry]));
    got.push(...(await t.all()));
    expect(sorted(got)).toEqual(sorted(want));
  });
});
