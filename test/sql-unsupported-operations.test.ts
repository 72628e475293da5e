// Ported from Spark's UnsupportedOperationsSuite: which query shapes each output mode accepts,
// as one table of cases, checked by the same function start() calls; plus start() itself refusing.
import { afterEach, describe, expect, it } from 'vitest';
import { FlintSession, functions as F, GroupStateTimeout, schemaOf, type DataFrame, type OutputMode } from '../src/index.js';
import { checkForStreaming } from '../src/sql/output-mode.js';

const { col, count, window } = F;
const flint = new FlintSession({ master: 'local[1]', core: 'js' });
afterEach(async () => flint.stop());

const stream = (): DataFrame => flint.memoryStream(`s${Math.random()}`, schemaOf({ a: 'long', t: 'timestamp' })).toDF();
const batch = (): DataFrame => flint.createDataFrame([{ a: 1, t: new Date(0) }], schemaOf({ a: 'long', t: 'timestamp' }));
const watermarked = (): DataFrame => stream().withWatermark('t', '10 seconds');
const agg = (df: DataFrame): DataFrame => df.groupBy(col('a')).agg(count('*').as('c'));
const windowAgg = (df: DataFrame): DataFrame => df.groupBy(window(col('t'), '5 seconds')).agg(count('*').as('c'));
const fmgws = (df: DataFrame, mode: 'append' | 'update', timeout: GroupStateTimeout = 'NoTimeout'): DataFrame =>
  df.groupByKey((r) => r.a).flatMapGroupsWithState(mode, timeout, (k, rows) => [{ a: k, n: rows.length }], schemaOf({ a: 'long', n: 'long' })).toDF();
const mgws = (df: DataFrame, timeout: GroupStateTimeout = 'NoTimeout'): DataFrame =>
  df.groupByKey((r) => r.a).mapGroupsWithState(timeout, (k, rows) => ({ a: k, n: rows.length }), schemaOf({ a: 'long', n: 'long' })).toDF();

// [name, query, mode, expected error (a regular expression) or null when supported]
const CASES: [string, () => DataFrame, OutputMode, RegExp | null][] = [
  ['aggregate - streaming aggregations in update mode', () => agg(stream()), 'update', null],
  ['aggregate - streaming aggregations in complete mode', () => agg(stream()), 'complete', null],
  ['aggregate - streaming aggregations with watermark in append mode', () => windowAgg(watermarked()), 'append', null],
  ['aggregate - streaming aggregations without watermark in append mode', () => agg(stream()), 'append', /streaming aggregations.*without watermark/],
  ['aggregate - watermark not among the grouping keys in append mode', () => agg(watermarked()), 'append', /without watermark/],
  ['aggregate - multiple streaming aggregations', () => agg(agg(stream()).withColumnRenamed('c', 't')), 'update', /Multiple streaming aggregations/],
  ['aggregate - multiple batch aggregations', () => agg(agg(batch()).withColumnRenamed('c', 'x')), 'append', null],
  ['complete mode without aggregation', () => stream().select(col('a')), 'complete', /Complete output mode not supported when there are no streaming aggregations/],
  ['update mode without aggregation (same as append)', () => stream().select(col('a')), 'update', null],
  ['flatMapGroupsWithState(Update) without aggregation in update mode', () => fmgws(stream(), 'update'), 'update', null],
  ['flatMapGroupsWithState(Update) without aggregation in append mode', () => fmgws(stream(), 'update'), 'append', /flatMapGroupsWithState in update mode.*Append/],
  ['flatMapGroupsWithState(Update) with aggregation', () => agg(fmgws(stream(), 'update')), 'update', /flatMapGroupsWithState in update mode is not supported with aggregation/],
  ['flatMapGroupsWithState(Append) without aggregation in append mode', () => fmgws(stream(), 'append'), 'append', null],
  ['flatMapGroupsWithState(Append) without aggregation in update mode', () => fmgws(stream(), 'append'), 'update', /flatMapGroupsWithState in append mode.*Update/],
  ['flatMapGroupsWithState(Append) before aggregation in complete mode', () => agg(fmgws(stream(), 'append')), 'complete', null],
  ['flatMapGroupsWithState(Append) after aggregation', () => fmgws(agg(stream()), 'append'), 'update', /flatMapGroupsWithState in append mode is not supported after aggregation/],
  ['multiple flatMapGroupsWithStates, all in append mode', () => fmgws(fmgws(stream(), 'append'), 'append'), 'append', null],
  ['multiple flatMapGroupsWithStates, some not in append mode', () => fmgws(fmgws(stream(), 'append'), 'update'), 'append', /Multiple flatMapGroupsWithStates/],
  ['mapGroupsWithState in append mode', () => mgws(stream()), 'append', /mapGroupsWithState is not supported with Append/],
  ['mapGroupsWithState in complete mode', () => mgws(stream()), 'complete', /Complete/],
  ['mapGroupsWithState with aggregation', () => agg(mgws(stream())), 'update', /mapGroupsWithState is not supported with aggregation/],
  ['multiple mapGroupsWithStates', () => mgws(mgws(stream())), 'update', /Multiple mapGroupsWithStates/],
  ['mixing mapGroupsWithStates and flatMapGroupsWithStates', () => mgws(fmgws(stream(), 'update')), 'update', /Mixing mapGroupsWithStates and flatMapGroupsWithStates/],
  ['mapGroupsWithState with event time timeout without watermark', () => mgws(stream(), 'EventTimeTimeout'), 'update', /watermark/i],
  ['mapGroupsWithState with event time timeout with watermark', () => mgws(watermarked(), 'EventTimeTimeout'), 'update', null],
  ['Deduplicate before aggregation', () => windowAgg(watermarked().dropDuplicates('a', 't')), 'append', null],
  ['Deduplicate after aggregation', () => agg(stream()).dropDuplicates('a'), 'complete', /dropDuplicates is not supported after aggregation/],
  ['sort after aggregation in complete mode', () => agg(stream()).orderBy('c'), 'complete', null],
  ['sort after aggregation in update mode', () => agg(stream()).orderBy('c'), 'update', /Sorting is not supported/],
  ['sort without aggregation', () => stream().orderBy('a'), 'append', /Sorting is not supported/],
  ['stream-static inner join', () => stream().join(batch().select(col('a'), col('t').as('u')), 'a'), 'append', null],
  ['stream-static left outer join', () => stream().join(batch().select(col('a'), col('t').as('u')), 'a', 'left_outer'), 'append', null],
  ['stream-static right outer join', () => stream().join(batch().select(col('a'), col('t').as('u')), 'a', 'right_outer'), 'append', /RightOuter join with a streaming DataFrame\/Dataset on the left/],
  ['static-stream left outer join', () => batch().join(stream().select(col('a'), col('t').as('u')), 'a', 'left_outer'), 'append', /LeftOuter join with a streaming DataFrame\/Dataset on the right/],
  ['stream-stream inner join', () => stream().join(stream().select(col('a'), col('t').as('u')), 'a'), 'append', null],
  ['stream-stream inner join in update mode', () => stream().join(stream().select(col('a'), col('t').as('u')), 'a'), 'update', /not supported in Update output mode, only in Append output mode/],
  ['stream-stream left outer join without a watermarked key', () => stream().join(stream().select(col('a'), col('t').as('u')), 'a', 'left_outer'), 'append', /LeftOuter join between two streaming DataFrame\/Datasets is not supported without a watermark/],
  ['stream-static full outer join', () => stream().join(batch().select(col('a'), col('t').as('u')), 'a', 'full_outer'), 'append', /FullOuter joins with streaming DataFrames\/Datasets on the left and a static DataFrame\/Dataset on the right is not supported/],
  ['static-stream full outer join', () => batch().join(stream().select(col('a'), col('t').as('u')), 'a', 'outer'), 'append', /FullOuter joins with streaming DataFrames\/Datasets on the right and a static DataFrame\/Dataset on the left is not supported/],
  ['stream-static left semi join', () => stream().join(batch().select(col('a'), col('t').as('u')), 'a', 'left_semi'), 'update', null],
  ['static-stream left semi join', () => batch().join(stream().select(col('a'), col('t').as('u')), 'a', 'semi'), 'append', /LeftSemi join with a streaming DataFrame\/Dataset on the right and a static DataFrame\/Dataset on the left is not supported/],
  ['stream-static left anti join', () => stream().join(batch().select(col('a'), col('t').as('u')), 'a', 'left_anti'), 'append', null],
  ['static-stream left anti join', () => batch().join(stream().select(col('a'), col('t').as('u')), 'a', 'anti'), 'append', /LeftAnti joins with a streaming DataFrame\/Dataset on the right are not supported/],
  ['stream-stream left anti join', () => stream().join(stream().select(col('a'), col('t').as('u')), 'a', 'leftanti'), 'append', /LeftAnti joins with a streaming DataFrame\/Dataset on the right are not supported/],
  ['stream-stream full outer join without a watermarked key', () => stream().join(stream().select(col('a'), col('t').as('u')), 'a', 'full'), 'append', /FullOuter join between two streaming DataFrame\/Datasets is not supported without a watermark/],
  ['stream-stream left semi join without a watermarked key', () => stream().join(stream().select(col('a'), col('t').as('u')), 'a', 'left_semi'), 'append', /LeftSemi join between two streaming DataFrame\/Datasets is not supported without a watermark/],
];

describe('UnsupportedOperationChecker', () => {
  it.each(CASES)('%s', (_name, query, mode, error) => {
    const check = (): void => checkForStreaming(query().logicalPlan, mode);
    if (error) expect(check).toThrow(error);
    else expect(check).not.toThrow();
  });

  it('start() refuses with a FlintError of code UNSUPPORTED_OPERATION, before running anything', async () => {
    const failure = await agg(stream()).writeStream.format('console').start().catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'FlintError', code: 'UNSUPPORTED_OPERATION' });
    expect(flint.streams.active).toEqual([]);
  });

  it('writeStream on a static DataFrame is refused', async () => {
    await expect(batch().writeStream.format('console').start()).rejects.toThrow(/'writeStream' can be called only on streaming Dataset\/DataFrame/);
  });

  it('a misspelt column fails where the query is defined, naming the columns there are', () => {
    expect(() => stream().select(col('b'))).toThrow('cannot resolve column "b" given input columns: [a, t]');
  });
});
