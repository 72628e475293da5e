// The pieces of receiver flow control on their own: the token-bucket RateLimiter on a manual
// clock, the BufferBudget's hysteresis, the size estimate of stored values and splitting lines.
import { describe, expect, it } from 'vitest';
import { blockOfLines, splitLines } from '../src/batch/text-batch.js';
import { ManualClock } from '../src/index.js';
import { BufferBudget } from '../src/io/sources/buffer-budget.js';
import { RateLimiter } from '../src/io/sources/rate-limiter.js';
import { estimateSize } from '../src/io/sources/size-estimator.js';

describe('RateLimiter', () => {
  it('starts empty and grants permits as they accrue at the rate', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(100, undefined, clock);
    expect(limiter.take(50)).toBe(0);
    expect(limiter.msUntil(10)).toBe(100);
    await clock.advance(100);
    expect(limiter.take(50)).toBe(10);
    await clock.advance(250);
    expect(limiter.take(20)).toBe(20);
    expect(limiter.take(20)).toBe(5);
    expect(limiter.take(20)).toBe(0);
  });

  it('keeps at most one second of permits, as Guava does for Spark', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(100, undefined, clock);
    await clock.advance(10_000);
    expect(limiter.take(1000)).toBe(100);
    // Asking for more than a second's worth waits for a second's worth.
    expect(limiter.msUntil(1000)).toBe(1000);
  });

  it('is unlimited with an infinite rate', () => {
    const limiter = new RateLimiter(Infinity, undefined, new ManualClock(0));
    expect(limiter.currentLimit).toBe(Infinity);
    expect(limiter.take(1e9)).toBe(1e9);
    expect(limiter.msUntil(1e9)).toBe(0);
  });

  it('starts at the initial rate, never above maxRate, and ignores rates of 0 or less (Spark updateRate)', async () => {
    const clock = new ManualClock(0);
    expect(new RateLimiter(100, 500, clock).currentLimit).toBe(100);
    const limiter = new RateLimiter(Infinity, 10, clock);
    expect(limiter.currentLimit).toBe(10);
    limiter.updateRate(0);
    limiter.updateRate(-5);
    expect(limiter.currentLimit).toBe(10);
    limiter.updateRate(1000);
    expect(limiter.currentLimit).toBe(1000);
    const capped = new RateLimiter(200, undefined, clock);
    capped.updateRate(1000);
    expect(capped.currentLimit).toBe(200);
  });

  it('accrues at the old rate up to a change, then at the new one', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(Infinity, 100, clock);
    await clock.advance(500); // 50 permits at 100/s
    limiter.updateRate(1000);
    await clock.advance(100); // 100 more at 1000/s
    expect(limiter.take(1000)).toBe(150);
  });

  it('still grants permits at rates under one per second', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter(0.5, undefined, clock);
    expect(limiter.msUntil(1)).toBe(2000);
    await clock.advance(2000);
    expect(limiter.take(5)).toBe(1);
  });
});

describe('BufferBudget', () => {
  it('is full from the cap until the total falls to three quarters of it', () => {
    const budget = new BufferBudget(100);
    let calls = 0;
    budget.onAvailable(() => calls++);
    budget.add(99);
    expect(budget.full).toBe(false);
    budget.add(1);
    expect(budget.full).toBe(true);
    budget.release(20); // 80: still above 75
    expect([budget.full, calls]).toEqual([true, 0]);
    budget.release(5); // 75
    expect([budget.full, calls, budget.bytes]).toEqual([false, 1, 75]);
    budget.release(10); // not full: nobody is told again
    expect(calls).toBe(1);
  });

  it('is never full without a bound', () => {
    const budget = new BufferBudget(Infinity);
    budget.add(Number.MAX_SAFE_INTEGER);
    expect(budget.full).toBe(false);
  });
});

describe('estimateSize', () => {
  it('counts strings by length, buffers by bytes, and samples arrays and objects', () => {
    expect(estimateSize('abcd')).toBe(24 + 4);
    expect(estimateSize(42)).toBe(8);
    expect(estimateSize(Buffer.alloc(1000))).toBe(24 + 1000);
    expect(estimateSize(['ab', 1])).toBe(24 + 2 * 8 + (24 + 2 + 8));
    expect(estimateSize({ a: 1, b: 2 })).toBe(24 + 2 * 8 + 16);
    // 1000 equal elements: the first eight stand for all of them.
    expect(estimateSize(Array(1000).fill('x'.repeat(100)))).toBe(24 + 1000 * 8 + 1000 * 124);
    expect(estimateSize(new Map([['k', 1]]))).toBeGreaterThan(24);
  });
});

describe('splitLines', () => {
  it('cuts a block after a number of lines without copying', () => {
    const block = blockOfLines(['one', 'two', 'three']);
    const [head, tail] = splitLines(block, 2);
    expect(Buffer.from(head.bytes).toString()).toBe('one\ntwo\n');
    expect(Buffer.from(tail.bytes).toString()).toBe('three\n');
    expect([head.lines, tail.lines]).toEqual([2, 1]);
    expect(head.bytes.buffer).toBe(block.bytes.buffer);
  });
});
