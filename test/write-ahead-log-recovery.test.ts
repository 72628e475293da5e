// Receivers with the write-ahead log: a context stopped without warning and restarted with
// getOrCreate re-runs its last batches with the data they had, and data that was logged but never
// given to a batch joins the first new one: every stored record is counted exactly once.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blockOfLines } from '../src/batch/text-batch.js';
import { ManualClock, pair, Receiver, StreamingContext, sum, words, type ReceiverInfo } from '../src/index.js';
import { CORES } from './support/harness.js';

class HandReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function context(core: 'js' | 'wasm', dir: string, start: number, receiver: HandReceiver, totals: Map<number, [string, number][]>, wal = true) {
  return () => {
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock: new ManualClock(start), writeAheadLog: wal });
    ssc.checkpoint(dir);
    ssc
      .receiverStream(receiver, 'hand')
      .flatMap(words)
      .map(pair(1))
      .reduceByKey(sum)
      .updateStateByKey<string, number, number>((vs, s) => vs.reduce((a, b) => a + b, s ?? 0))
      .foreachRDD((b, t) => void totals.set(t, b.collect().sort()));
    return ssc;
  };
}

describe.each(CORES)('write-ahead log on the %s core', (core) => {
  it('re-runs logged batches and gives logged-but-unassigned data to the first new batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-wal-'));
    dirs.push(dir);
    const totals = new Map<number, [string, number][]>();
    const r1 = new HandReceiver();
    const first = StreamingContext.getOrCreate(dir, context(core, dir, 0, r1, totals));
    await first.start();
    const clock = first.clock as ManualClock;
    for (let i = 1; i <= 13; i++) {
      await r1.store(`a b ${i % 3 === 0 ? 'c' : ''}`);
      r1.storeLines(blockOfLines(['a', 'd d']));
      await clock.advance(1000);
    }
    // Stored and on disk, but the process dies before a batch takes it.
    await r1.store(['late late', 'a']);
    await first.stop();
    expect(readdirSync(join(dir, 'receivedData')).length).toBe(1);

    const r2 = new HandReceiver();
    const second = StreamingContext.getOrCreate(dir, context(core, dir, 13_000, r2, totals));
    await second.start();
    await (second.clock as ManualClock).advance(1000);
    await second.stop();
    // 13 batches of 'a b [c]' + 'a' + 'd d', then 'late late' and 'a'.
    expect(totals.get(14_000)).toEqual([['a', 27], ['b', 13], ['c', 4], ['d', 26], ['late', 2]]);
    // Batches 11..13 ran again from the log (the checkpoint is at 10 s), with the same results.
    expect(totals.get(13_000)).toEqual([['a', 26], ['b', 13], ['c', 4], ['d', 26]]);
  });

  it('without the log, a re-run batch is empty and the loss is reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-wal-'));
    dirs.push(dir);
    const totals = new Map<number, [string, number][]>();
    const r1 = new HandReceiver();
    const first = StreamingContext.getOrCreate(dir, context(core, dir, 0, r1, totals, false));
    await first.start();
    for (let i = 1; i <= 12; i++) {
      await r1.store('a');
      await (first.clock as ManualClock).advance(1000);
    }
    await first.stop();
    const errors: ReceiverInfo[] = [];
    const second = StreamingContext.getOrCreate(dir, context(core, dir, 12_000, new HandReceiver(), totals, false));
    second.addStreamingListener({ onReceiverError: ({ receiverInfo }) => void errors.push(receiverInfo) });
    await second.start();
    await (second.clock as ManualClock).advance(1000);
    await second.stop();
    expect(totals.get(13_000)).toEqual([['a', 10]]);
    expect(errors.map((e) => e.lastErrorMessage)).toEqual([
      expect.stringContaining('the batch at 11000 ms ran before a restart; its received data was not in a write-ahead log and is lost'),
      expect.stringContaining('the batch at 12000 ms ran before a restart'),
    ]);
  });

  it('writeAheadLog without a checkpoint directory fails at start', async () => {
    const ssc = new StreamingContext({ batchInterval: 1000, core, clock: new ManualClock(0), writeAheadLog: true });
    ssc.receiverStream(new HandReceiver()).print();
    await expect(ssc.start()).rejects.toMatchObject({ code: 'CHECKPOINT_REQUIRED', message: expect.stringContaining('writeAheadLog') });
  });
});
