// The binary forms a checkpoint writes: every kind of batch reads back exactly (partitions,
// order, hash partitioning, awkward values), and damaged files are refused by name.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Batch } from '../src/batch/batch.js';
import { KeyMap } from '../src/batch/keys.js';
import { NumberPairsBatch } from '../src/batch/number-pairs.js';
import { decodeBatch, encodeBatch } from '../src/checkpoint/batch-codec.js';
import { BatchLog, readBatchLog } from '../src/checkpoint/batch-log.js';
import { FILE_KIND, readCheckedFile, writeCheckedFile } from '../src/checkpoint/checked-file.js';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { WasmCore } from '../src/core/wasm/wasm-core.js';
import { pair, sum, words } from '../src/index.js';
import { textBatch } from './support/random-text.js';

const dir = mkdtempSync(join(tmpdir(), 'flint-codec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function roundTrip(batch: Batch<unknown> | undefined): Promise<Batch<unknown> | undefined> {
  const path = join(dir, 'batch');
  await writeCheckedFile(path, FILE_KIND.batch, encodeBatch(batch, 'test stream'));
  return decodeBatch(readCheckedFile(path, FILE_KIND.batch), path);
}

describe('batch codec', () => {
  it('keeps [string, number] pairs bit for bit: lone surrogates, -0, NaN, empty partitions, hash partitioning', async () => {
    const batch = new Batch<[string, number]>([[['a', 1], ['\ud800x', -0], ['', NaN]], [], [['日本😀', 1e300]]], 3);
    const back = (await roundTrip(batch))!;
    expect(back.hashPartitions).toBe(3);
    expect(back.glom().collect()).toEqual(batch.glom().collect());
    expect(Object.is((back.partitions[0]![1] as [string, number])[1], -0)).toBe(true);
  });

  it('keeps the js core\'s columns of pairs bit for bit, written without building the pairs', async () => {
    const columns = [
      { keys: ['a', '\ud800x', ''], values: Float64Array.of(1, -0, NaN) },
      { keys: [], values: new Float64Array(0) },
      { keys: ['日本😀'], values: Float64Array.of(1e300) },
    ];
    const batch = new NumberPairsBatch(columns);
    const back = (await roundTrip(batch))!;
    expect(back.hashPartitions).toBe(3);
    expect(back.glom().collect()).toStrictEqual(batch.glom().collect());
  });

  it('reads a long column of numbers back bit for bit', async () => {
    const odd = [-0, NaN, Infinity, -Infinity, 5e-324, 2 ** 53, -(2 ** 53), 0.1 + 0.2, 1e300];
    const values = Array.from({ length: 10_000 }, (_, i) => odd[i % odd.length]! * (i % 3 === 0 ? 1 : i));
    const batch = new Batch<[string, number]>([values.slice(0, 5_000).map((v, i) => [`k${i}`, v]), values.slice(5_000).map((v, i) => [`m${i}`, v])], 2);
    const back = (await roundTrip(batch))!;
    const read = back.partitions.flatMap((p) => (p as [string, number][]).map(([, v]) => v));
    expect(read.every((v, i) => Object.is(v, values[i]))).toBe(true);
  });

  it('keeps pairs of any values and plain values through the structured form', async () => {
    const pairs = new Batch<[unknown, unknown]>([[[['k', 1], { a: [1, 2] }], [42, new Map([[1, 'x']])]], [[null, new Date(5)]]]);
    expect((await roundTrip(pairs))!.glom().collect()).toEqual(pairs.glom().collect());
    const values = Batch.of([1, 'two', { three: 3 }, [4, 5, 6]], 2);
    const back = (await roundTrip(values))!;
    expect(back.hashPartitions).toBeUndefined();
    expect(back.glom().collect()).toEqual(values.glom().collect());
  });

  it('keeps text as its line blocks, and a missing batch as missing', async () => {
    const text = textBatch(['to be or', '', 'not to bé'], 2);
    const back = await roundTrip(text);
    expect(back?.constructor.name).toBe('TextBatch');
    expect(back!.glom().collect()).toEqual(text.glom().collect());
    expect(await roundTrip(undefined)).toBeUndefined();
  });

  it("keeps a wasm core's packed table as its bytes", async () => {
    const core = new WasmCore(1);
    try {
      const packed = await core.reduceByKey(textBatch(['a b a', 'c'], 2).flatMap(words).map(pair(1)), sum, 2);
      expect(packed).toBeInstanceOf(PackedBatch);
      const back = await roundTrip(packed);
      expect(back).toBeInstanceOf(PackedBatch);
      expect(Buffer.from((back as PackedBatch).packed)).toEqual(Buffer.from((packed as PackedBatch).packed));
      expect(back!.glom().collect()).toEqual(packed.glom().collect());
    } finally {
      await core.close();
    }
  });

  it("keeps mapWithState's tables with their update times", async () => {
    const table = new KeyMap<string, { state: unknown; updatedAt: number }>();
    table.set('a', { state: { n: 1 }, updatedAt: 3000 });
    table.set('b', { state: [2], updatedAt: 4000 });
    const back = (await roundTrip(new Batch([[{ table, mapped: ['x'] }], [{ table: new KeyMap(), mapped: [] }]], 2)))!;
    const restored = back.partitions[0]![0] as { table: KeyMap<string, unknown>; mapped: unknown[] };
    expect([...restored.table.entries()]).toEqual([...table.entries()]);
    expect(restored.mapped).toEqual([]);
  });

  it('refuses a value that cannot be saved, naming the stream', () => {
    expect(() => encodeBatch(Batch.of([() => 1]), 'StateDStream at 5000 ms')).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_UNSUPPORTED', message: expect.stringContaining('StateDStream at 5000 ms holds a value that cannot be checkpointed') }),
    );
  });
});

describe('checked files', () => {
  it('refuse a foreign file, another kind, and any flipped byte, naming the file', async () => {
    const path = join(dir, 'checked');
    await writeCheckedFile(path, FILE_KIND.metadata, [Buffer.from('{"x":1}')]);
    expect(readCheckedFile(path, FILE_KIND.metadata).toString()).toBe('{"x":1}');
    expect(() => readCheckedFile(path, FILE_KIND.batch)).toThrow(/holds another kind of data/);
    const good = readFileSync(path);
    for (let i = 0; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i]! ^= 0x01;
      writeFileSync(path, bad);
      expect(() => readCheckedFile(path, FILE_KIND.metadata), `byte ${i}`).toThrow(expect.objectContaining({ code: 'CHECKPOINT_CORRUPT', message: expect.stringContaining(path) }));
    }
    writeFileSync(path, 'not a checkpoint at all, just text');
    expect(() => readCheckedFile(path, FILE_KIND.metadata)).toThrow(/not a Flint checkpoint file/);
  });
});

describe('batch log', () => {
  it('reads back every record, stops quietly at a torn tail and reports damage before the end', async () => {
    const logDir = mkdtempSync(join(dir, 'log-'));
    const log = new BatchLog(logDir);
    for (let t = 1000; t <= 5000; t += 1000) await log.append(t, { 0: t / 1000 });
    await log.close();
    const [file] = readdirSync(logDir);
    const path = join(logDir, file!);
    expect([...readBatchLog(logDir).records.entries()]).toEqual([1, 2, 3, 4, 5].map((n) => [n * 1000, { 0: n }]));
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, whole.length - 2));
    const torn = readBatchLog(logDir);
    expect([...torn.records.keys()]).toEqual([1000, 2000, 3000, 4000]);
    expect(torn.damage).toBeUndefined();
    const damaged = Buffer.from(whole);
    damaged[20]! ^= 0xff; // inside the first record's body
    writeFileSync(path, damaged);
    expect(readBatchLog(logDir).damage).toEqual({ file: path, afterTime: undefined });
  });
});
