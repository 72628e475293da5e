// Batch (Spark's RDD): slicing as parallelize does, hash partitioning, pair operations.
import { describe, expect, it } from 'vitest';
import { Batch, FlintError, hashString } from '../src/index.js';

describe('Batch.of', () => {
  it('cuts contiguous slices like parallelize', () => {
    expect(Batch.of([1, 2, 3, 4], 2).partitions).toEqual([[1, 2], [3, 4]]);
    expect(Batch.of([1, 2, 3, 4, 5], 3).partitions).toEqual([[1], [2, 3], [4, 5]]);
    expect(Batch.of([1], 3).partitions).toEqual([[], [], [1]]);
    expect(() => Batch.of([1], 0)).toThrow(FlintError);
  });
});

describe('basic operations', () => {
  const b = Batch.of([3, 1, 2, 5, 4], 2);
  it('collects in partition order and counts', () => {
    expect(b.collect()).toEqual([3, 1, 2, 5, 4]);
    expect(b.count()).toBe(5);
    expect(b.take(3)).toEqual([3, 1, 2]);
    expect(b.first()).toBe(3);
    expect(b.isEmpty()).toBe(false);
    expect(Batch.empty(2).isEmpty()).toBe(true);
  });
  it('first and reduce fail clearly on an empty batch', () => {
    expect(() => Batch.empty().first()).toThrow(/empty batch/);
    expect(() => Batch.empty<number>().reduce((a, c) => a + c)).toThrow(/empty batch/);
  });
  it('maps per partition and gloms', () => {
    expect(b.map((x) => x * 2).glom().collect()).toEqual([[6, 2], [4, 10, 8]]);
    expect(b.mapPartitions((xs, i) => [i, xs.length]).collect()).toEqual([0, 2, 1, 3]);
    expect(b.filter((x) => x > 2).partitions).toEqual([[3], [5, 4]]);
  });
  it('sorts stably and keeps the partition count', () => {
    expect(b.sortBy((x) => x).partitions).toEqual([[1, 2], [3, 4, 5]]);
    expect(b.sortBy((x) => x, false).collect()).toEqual([5, 4, 3, 2, 1]);
    expect(Batch.of(['b', 'a', 'c'], 1).sortBy((x) => x).collect()).toEqual(['a', 'b', 'c']);
  });
  it('repartitions round robin', () => {
    const r = Batch.of([1, 2, 3, 4, 5, 6], 2).repartition(3);
    expect(r.numPartitions).toBe(3);
    expect(r.collect().sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.partitions.map((p) => p.length)).toEqual([2, 2, 2]);
  });
  it('counts values by value equality, also for composite values', () => {
    const counts = Batch.of<unknown>(['a', 'b', 'a', ['x', 1], ['x', 1]], 2).countByValue();
    expect([...counts.values()]).toEqual([2, 1, 2]);
  });
});

describe('pair operations', () => {
  const pairs = Batch.of<[string, number]>([['a', 1], ['b', 1], ['a', 2], ['c', 5], ['b', 3]], 2);
  it('puts each key in partition xxhash32(utf8(key)) % n', () => {
    const reduced = pairs.reduceByKey((x, y) => x + y, 3);
    expect(reduced.numPartitions).toBe(3);
    reduced.partitions.forEach((p, i) => p.forEach(([k]) => expect(hashString(k) % 3).toBe(i)));
    expect(new Map(reduced.collect())).toEqual(new Map([['a', 3], ['b', 4], ['c', 5]]));
  });
  it('treats composite keys by value', () => {
    const b = Batch.of<[[string, number], number]>([[['a', 1], 1], [['a', 1], 2], [['a', 2], 3]], 2);
    expect(b.reduceByKey((x, y) => x + y, 1).collect()).toEqual([[['a', 1], 3], [['a', 2], 3]]);
  });
  it('groups, combines and sorts by key', () => {
    expect(new Map(pairs.groupByKey(1).collect())).toEqual(new Map([['a', [1, 2]], ['b', [1, 3]], ['c', [5]]]));
    expect(pairs.sortByKey().keys().collect()).toEqual(['a', 'a', 'b', 'b', 'c']);
    expect(pairs.mapValues((v) => v * 10).values().collect()).toEqual([10, 10, 20, 50, 30]);
    expect(pairs.flatMapValues((v) => (v > 2 ? [v, v] : [])).collect()).toEqual([['c', 5], ['c', 5], ['b', 3], ['b', 3]]);
  });
  it('joins, with undefined for a missing side', () => {
    const left = Batch.of<[string, number]>([['a', 1], ['b', 2]], 2);
    const right = Batch.of<[string, string]>([['a', 'x'], ['c', 'y'], ['a', 'z']], 1);
    const sorted = <T>(b: Batch<[string, T]>) => b.collect().sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
    expect(sorted(left.join(right))).toEqual([['a', [1, 'x']], ['a', [1, 'z']]]);
    expect(sorted(left.leftOuterJoin(right))).toEqual([['a', [1, 'x']], ['a', [1, 'z']], ['b', [2, undefined]]]);
    expect(sorted(left.rightOuterJoin(right))).toEqual([['a', [1, 'x']], ['a', [1, 'z']], ['c', [undefined, 'y']]]);
    expect(sorted(left.fullOuterJoin(right))).toEqual([
      ['a', [1, 'x']],
      ['a', [1, 'z']],
      ['b', [2, undefined]],
      ['c', [undefined, 'y']],
    ]);
    expect(sorted(left.cogroup(right))).toEqual([['a', [[1], ['x', 'z']]], ['b', [[2], []]], ['c', [[], ['y']]]]);
  });
});
