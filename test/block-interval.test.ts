// Counting while the batch fills (the block interval): random text arriving over a real socket in
// random chunks, word-counted per batch from the blocks counted as they arrived, must equal the
// same batch counted from its text (today's path) and by the js core, partition by partition,
// with and without a rate limit and the write-ahead log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Batch } from '../src/batch/batch.js';
import { blockOfLines, TextBatch, type LineBlock } from '../src/batch/text-batch.js';
import { JsCore } from '../src/core/js/js-core.js';
import { WasmCore } from '../src/core/wasm/wasm-core.js';
import { FlintError, ManualClock, pair, Receiver, StreamingContext, sum, words, type StreamingContextOptions } from '../src/index.js';
import { CORES } from './support/harness.js';
import { mulberry32, randomInt, randomLine } from './support/random-text.js';
import { LineServer, sleep } from './support/sources-helpers.js';

const PARTITIONS = 3;

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

type Counts = [string, number][][];

/** The text `lines` as a string cut into chunks of 1 to 1000 bytes, at any byte. */
function chunksOf(text: Buffer, seed: number): Buffer[] {
  const rng = mulberry32(seed);
  const chunks: Buffer[] = [];
  for (let at = 0; at < text.length; ) {
    const to = Math.min(text.length, at + 1 + randomInt(rng, 1000));
    chunks.push(text.subarray(at, to));
    at = to;
  }
  return chunks;
}

interface Run {
  /** Per batch time: the word count as the pipeline computed it. */
  counts: Map<number, Counts>;
  /** Per batch time: the same batch's text counted again by the same core (not from blocks). */
  recount: Map<number, Counts>;
  /** Per batch time: the batch's text blocks, as received. */
  text: Map<number, TextBatch>;
  ssc: StreamingContext;
}

async function run(core: 'js' | 'wasm', options: Partial<StreamingContextOptions>, wal: boolean, seed: number): Promise<Run> {
  const server = await LineServer.listen();
  cleanup.push(() => server.close());
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, blockInterval: 200, master: 'local[2]', core, clock, warmUp: false, ...options, writeAheadLog: wal });
  cleanup.push(() => ssc.stop());
  if (wal) {
    const dir = mkdtempSync(join(tmpdir(), 'flint-blocks-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    ssc.checkpoint(dir);
  }
  const lines = ssc.socketTextStream('127.0.0.1', server.port, { reconnectInitialDelay: 10 });
  const result: Run = { counts: new Map(), recount: new Map(), text: new Map(), ssc };
  const glom = (b: Batch<[string, number]>): Counts => b.partitions.map((p) => [...p]);
  // The first word count takes the blocks' count; the second, defined after it, finds it taken
  // and counts the batch's text as before.
  lines.flatMap(words).map(pair(1)).reduceByKey(sum, PARTITIONS).foreachRDD((b, t) => void result.counts.set(t, glom(b)));
  lines.flatMap(words).map(pair(1)).reduceByKey(sum, PARTITIONS).foreachRDD((b, t) => void result.recount.set(t, glom(b)));
  lines.foreachRDD((b, t) => void (b instanceof TextBatch && result.text.set(t, b)));
  await ssc.start();
  await server.waitForClients(1);

  const rng = mulberry32(seed);
  const text = Buffer.from(Array.from({ length: 6000 }, () => randomLine(rng, { emptyLineChance: 0.05 }) + '\n').join(''));
  const expectedLines = text.toString('utf8').split('\n').length - 1;
  for (const chunk of chunksOf(text, seed + 1)) {
    await server.write(chunk);
    // Now and then, let the socket deliver and move time on: blocks every 200 ms, batches every 1000.
    if (rng() < 0.3) {
      await sleep(1);
      await clock.advance(50);
    }
  }
  const received = (): number => [...result.text.values()].reduce((n, b) => n + b.count(), 0);
  for (let waited = 0; received() < expectedLines; waited += 5) {
    if (waited > 20_000) throw new Error(`timed out waiting for ${expectedLines} lines, got ${received()}`);
    await sleep(5);
    await clock.advance(100);
  }
  return result;
}

/** The js core's word count of the batch's text, as the reference. */
async function jsCount(text: TextBatch): Promise<Counts> {
  const plain = new TextBatch(text.blocks);
  const counted = await new JsCore().reduceByKey(plain.flatMap(words).map(pair(1)), sum, PARTITIONS);
  return counted.partitions.map((p) => [...p]);
}

const CASES = [
  { name: 'no rate limit', options: {}, wal: false },
  { name: 'receiverMaxRate', options: { receiverMaxRate: 2000 }, wal: false },
  { name: 'backpressure', options: { backpressure: true, backpressureInitialRate: 2500 }, wal: false },
  { name: 'write-ahead log', options: {}, wal: true },
] as const;

describe.each(CORES)('block interval on the %s core', (core) => {
  it.each(CASES.map((c, i) => ({ ...c, seed: 1234 + 10 * i })))('word counts of a socket stream equal the batch recounted and the js core, partition by partition ($name)', async ({ options, wal, seed }) => {
    const r = await run(core, options, wal, seed);
    const times = [...r.text.keys()];
    expect(times.length).toBeGreaterThan(2);
    for (const t of times) {
      const reference = await jsCount(r.text.get(t)!);
      expect(r.counts.get(t), `batch ${t}`).toEqual(reference);
      expect(r.recount.get(t), `batch ${t}`).toEqual(reference);
    }
    const stats = r.ssc.core.blockCountStats?.();
    if (core === 'js') {
      // The js core counts on the main thread at the batch, as before: it keeps no block counter.
      expect(stats).toBeUndefined();
    } else {
      expect(stats!.blocksCounted).toBeGreaterThan(0);
      expect(stats!.batchesFromBlocks).toBeGreaterThan(0);
    }
  }, 60_000);
});

class HandReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

describe.each(CORES)('block interval and a restart from the write-ahead log on the %s core', (core) => {
  it('a batch re-run from the log gives the counts of its first run, partition by partition', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-blocks-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const runs = new Map<number, Counts[]>();
    const make = (receiver: HandReceiver, start: number) => () => {
      const ssc = new StreamingContext({ batchInterval: 1000, blockInterval: 200, master: 'local[2]', core, clock: new ManualClock(start), warmUp: false, writeAheadLog: true });
      ssc.checkpoint(dir);
      const counts = ssc.receiverStream(receiver, 'hand').flatMap(words).map(pair(1)).reduceByKey(sum, PARTITIONS);
      counts.foreachRDD((b, t) => void runs.set(t, [...(runs.get(t) ?? []), b.partitions.map((p) => [...p])]));
      // A stateful stream, so that checkpoints come every 10 batches and the last ones re-run.
      counts.updateStateByKey<string, number, number>((vs, s) => vs.reduce((a, b) => a + b, s ?? 0)).foreachRDD(() => undefined);
      return ssc;
    };
    const rng = mulberry32(77);
    const r1 = new HandReceiver();
    const first = StreamingContext.getOrCreate(dir, make(r1, 0));
    await first.start();
    for (let tick = 0; tick < 13 * 5; tick++) {
      await r1.storeLines(blockOfLines(Array.from({ length: 1 + randomInt(rng, 60) }, () => randomLine(rng))));
      await (first.clock as ManualClock).advance(200);
    }
    const fromBlocks = first.core.blockCountStats?.().batchesFromBlocks;
    await first.stop();
    const second = StreamingContext.getOrCreate(dir, make(new HandReceiver(), 13_000));
    await second.start();
    await (second.clock as ManualClock).advance(1000);
    await second.stop();

    const reRun = [...runs].filter(([, results]) => results.length === 2);
    expect(reRun.map(([t]) => t)).toEqual([11_000, 12_000, 13_000]);
    for (const [t, [firstRun, again]] of reRun) expect(again, `batch ${t}`).toEqual(firstRun);
    if (core === 'wasm') expect(fromBlocks).toBeGreaterThan(10);
  });
});

describe('blockInterval option', () => {
  it.each([0, -5, Infinity, Number.NaN])('rejects %s with a message naming the option', (blockInterval) => {
    expect(() => new StreamingContext({ batchInterval: 1000, blockInterval })).toThrow(FlintError);
    expect(() => new StreamingContext({ batchInterval: 1000, blockInterval })).toThrow(/options\.blockInterval must be a positive, finite number of ms/);
  });
});

describe('the wasm core block counter', () => {
  /** A 2-worker core's block counter that has learned the word count, with blocks of random lines. */
  async function learnedCounter(splitBacklogBytes: number, seed: number) {
    const core = new WasmCore(2, { pieceBytes: 4096, splitBacklogBytes });
    cleanup.push(() => core.close());
    const counter = core.createBlockCounter();
    const rng = mulberry32(seed);
    const block = (lines: number) => blockOfLines(Array.from({ length: lines }, () => randomLine(rng, { longKeyChance: 0.01 })));
    const countOf = async (blocks: LineBlock[], pre: ReturnType<typeof counter.cut>) => {
      const counted = await core.reduceByKey(TextBatch.fromBlocks(blocks, 2, pre).flatMap(words).map(pair(1)), sum, PARTITIONS);
      return counted.partitions.map((p) => [...p]);
    };
    // The first batch teaches the counter what to count.
    const first = [block(50)];
    await countOf(first, counter.cut(first));
    return { core, counter, rng, block, countOf };
  }

  it('counts blocks in several segments and a shared last block as the batch is counted from its text', async () => {
    // Any backlog starts a new segment (the blocks here are far smaller than the default's 4 MB).
    const { core, counter, rng, block, countOf } = await learnedCounter(0, 99);
    for (let batch = 0; batch < 3; batch++) {
      // Blocks sent faster than a worker counts them: the second finds the first segment behind and
      // starts one on the other worker; with both workers busy, the rest wait in that second
      // segment instead of starting more.
      const blocks = Array.from({ length: 6 }, () => block(1 + randomInt(rng, 400)));
      for (const b of blocks) counter.add([b]);
      const last = block(60_000);
      expect(last.bytes.byteLength).toBeGreaterThan(8 << 20); // shared by the workers
      const all = [...blocks, last];
      expect(await countOf(all, counter.cut([last]))).toEqual(await jsCount(TextBatch.fromBlocks(all, 2)));
    }
    expect(core.blockCountStats()).toEqual({ blocksCounted: 18, batchesFromBlocks: 3, segments: 6 });
  }, 60_000);

  it('keeps blocks in one segment while its worker is less than splitBacklogBytes behind', async () => {
    const { core, counter, rng, block, countOf } = await learnedCounter(1 << 20, 7);
    // Small blocks sent at once: the segment falls behind, but never by 1 MB, so it keeps them all.
    const small = Array.from({ length: 6 }, () => block(1 + randomInt(rng, 400)));
    for (const b of small) counter.add([b]);
    expect(small.reduce((n, b) => n + b.bytes.byteLength, 0)).toBeLessThan(1 << 20);
    const tail = [block(10)];
    expect(await countOf([...small, ...tail], counter.cut(tail))).toEqual(await jsCount(TextBatch.fromBlocks([...small, ...tail], 2)));
    expect(core.blockCountStats().segments).toBe(1);
    // Blocks of 2 MB: the second finds the first more than 1 MB behind and goes to the other worker.
    const large = Array.from({ length: 2 }, () => block(40_000));
    expect(large[0]!.bytes.byteLength).toBeGreaterThan(1 << 20);
    for (const b of large) counter.add([b]);
    const end = [block(10)];
    expect(await countOf([...large, ...end], counter.cut(end))).toEqual(await jsCount(TextBatch.fromBlocks([...large, ...end], 2)));
    expect(core.blockCountStats().segments).toBe(3);
  }, 60_000);
});
