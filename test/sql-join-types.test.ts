// Spark's join types on using columns, checked against a nested-loop join written here on
// generated rows (nulls in the keys included): two static DataFrames, and a stream joined with a
// static DataFrame batch by batch, on both cores; and the spellings `join` accepts.
import { afterEach, describe, expect, it } from 'vitest';
import { parseJoinType, type JoinType } from '../src/sql/join-type.js';
import { functions as F, schemaOf, type Row, type Value } from '../src/index.js';
import { CORES } from './support/harness.js';
import { mulberry32, randomInt, type Rng } from './support/random-text.js';
import { cleanUp, session, sorted, StreamTest, tuple } from './support/stream-test.js';

afterEach(cleanUp);

const TYPES: JoinType[] = ['inner', 'left_outer', 'right_outer', 'full_outer', 'left_semi', 'left_anti'];
const LEFT = schemaOf({ k: 'long', a: 'string' });
const RIGHT = schemaOf({ k: 'long', b: 'string' });

function rows(rng: Rng, n: number, column: 'a' | 'b'): Row[] {
  return Array.from({ length: n }, (_, i) => ({ k: randomInt(rng, 8) === 0 ? null : randomInt(rng, 6), [column]: `${column}${i}` }));
}

/** What Spark's `left.join(right, "k", type)` gives, by a nested loop over the rows. */
function expected(left: Row[], right: Row[], type: JoinType): Value[][] {
  const match = (l: Row, r: Row) => l.k !== null && l.k === r.k;
  if (type === 'left_semi') return left.filter((l) => right.some((r) => match(l, r))).map(tuple);
  if (type === 'left_anti') return left.filter((l) => !right.some((r) => match(l, r))).map(tuple);
  const out: Value[][] = [];
  for (const l of left) for (const r of right) if (match(l, r)) out.push([type === 'right_outer' ? r.k! : l.k!, l.a!, r.b!]);
  if (type === 'left_outer' || type === 'full_outer') for (const l of left) if (!right.some((r) => match(l, r))) out.push([l.k!, l.a!, null]);
  if (type === 'right_outer' || type === 'full_outer') for (const r of right) if (!left.some((l) => match(l, r))) out.push([r.k!, null, r.b!]);
  return out;
}

describe.each(CORES)('join types (%s core)', (core) => {
  it.each(TYPES)('two static DataFrames, %s: the nested loop\'s rows', async (type) => {
    const flint = session(core);
    for (const seed of [1, 2, 3]) {
      const rng = mulberry32(seed);
      const [left, right] = [rows(rng, 30, 'a'), rows(rng, 25, 'b')];
      const joined = flint.createDataFrame(left, LEFT).join(flint.createDataFrame(right, RIGHT), 'k', type);
      expect(sorted((await joined.collect()).map(tuple)), `seed ${seed}`).toEqual(sorted(expected(left, right, type)));
      expect(joined.schema?.fieldNames).toEqual(type === 'left_semi' || type === 'left_anti' ? ['k', 'a'] : ['k', 'a', 'b']);
    }
  });

  it.each(TYPES)('two static DataFrames on a condition, %s: keys from its equality, the rest checked per pair', async (type) => {
    const flint = session(core);
    const rng = mulberry32(5);
    const left = rows(rng, 30, 'a').map((r, i) => ({ ...r, x: i % 7 }));
    const right = rows(rng, 25, 'b').map((r, i) => ({ k2: r.k, b: r.b, y: i % 5 }));
    const l = flint.createDataFrame(left, schemaOf({ k: 'long', a: 'string', x: 'long' }));
    const r = flint.createDataFrame(right, schemaOf({ k2: 'long', b: 'string', y: 'long' }));
    const match = (u: Row, v: Row) => u.k !== null && u.k === v.k2 && (u.x as number) < (v.y as number);
    const want: Value[][] = [];
    if (type === 'left_semi' || type === 'left_anti') for (const u of left) (right.some((v) => match(u, v)) === (type === 'left_semi') ? want.push(tuple(u)) : 0);
    else {
      for (const u of left) for (const v of right) if (match(u, v)) want.push([...tuple(u), ...tuple(v)]);
      if (type === 'left_outer' || type === 'full_outer') for (const u of left) if (!right.some((v) => match(u, v))) want.push([...tuple(u), null, null, null]);
      if (type === 'right_outer' || type === 'full_outer') for (const v of right) if (!left.some((u) => match(u, v))) want.push([null, null, null, ...tuple(v)]);
    }
    const joined = l.join(r, F.expr('k = k2 AND x < y'), type);
    expect(sorted((await joined.collect()).map(tuple))).toEqual(sorted(want));
  });

  it.each(['inner', 'left_outer', 'left_semi', 'left_anti'] as const)('a stream on the left of a static DataFrame, %s: each batch joins its own rows', async (type) => {
    const flint = session(core);
    const rng = mulberry32(7);
    const right = rows(rng, 20, 'b');
    const input = flint.memoryStream('left', LEFT);
    const t = new StreamTest(flint, input.toDF().join(flint.createDataFrame(right, RIGHT), ['k'], type), 'append');
    await t.start();
    for (let batch = 0; batch < 3; batch++) {
      const left = rows(rng, 15, 'a');
      input.addData(...left);
      await t.checkNewAnswer(...expected(left, right, type));
    }
  });

  it.each(['inner', 'right_outer'] as const)('a stream on the right of a static DataFrame, %s: each batch joins its own rows', async (type) => {
    const flint = session(core);
    const rng = mulberry32(11);
    const left = rows(rng, 20, 'a');
    const input = flint.memoryStream('right', RIGHT);
    const t = new StreamTest(flint, flint.createDataFrame(left, LEFT).join(input.toDF(), 'k', type), 'append');
    await t.start();
    for (let batch = 0; batch < 3; batch++) {
      const right = rows(rng, 15, 'b');
      input.addData(...right);
      await t.checkNewAnswer(...expected(left, right, type));
    }
  });
});

describe('join type names', () => {
  it("accepts Spark's spellings, in any case, with or without underscores", () => {
    expect(['outer', 'full', 'FullOuter', 'full_outer'].map(parseJoinType)).toEqual(Array(4).fill('full_outer'));
    expect(['left', 'leftouter', 'LEFT_OUTER'].map(parseJoinType)).toEqual(Array(3).fill('left_outer'));
    expect(['right', 'right_outer'].map(parseJoinType)).toEqual(['right_outer', 'right_outer']);
    expect(['semi', 'leftsemi', 'left_semi'].map(parseJoinType)).toEqual(Array(3).fill('left_semi'));
    expect(['anti', 'LeftAnti', 'left_anti'].map(parseJoinType)).toEqual(Array(3).fill('left_anti'));
    expect(parseJoinType('inner')).toBe('inner');
  });

  it('refuses an unknown join type at the call, listing the supported ones', () => {
    const flint = session('js');
    const df = flint.createDataFrame([{ k: 1 }]);
    expect(() => df.join(df, 'k', 'sideways' as 'inner')).toThrow(/Unsupported join type 'sideways'. Supported join types include: 'inner', 'outer'/);
    expect(() => parseJoinType('cross')).toThrow(/Unsupported join type 'cross'/);
  });
});
