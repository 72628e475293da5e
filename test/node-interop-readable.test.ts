// Node streams in and out: ssc.readableStream(readable) reads lines from any Readable as socket
// streams read them (line endings, split chunks, limits, pausing, the write-ahead log), and
// stream.toReadable() gives records to pipeline() with bounded buffering. Both cores.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FlintError, ManualClock, pair, StreamingContext, sum, words, type DStream, type ReceiverInfo } from '../src/index.js';
import { CORES, type TestCore } from './support/harness.js';
import { flat, record, sleep, waitFor } from './support/sources-helpers.js';

const contexts: StreamingContext[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function context(core: TestCore, options: { maxBufferedBytes?: number } = {}) {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock, ...options });
  const errors: ReceiverInfo[] = [];
  ssc.addStreamingListener({ onReceiverError: ({ receiverInfo }) => void errors.push({ ...receiverInfo }) });
  contexts.push(ssc);
  return { clock, ssc, errors };
}

/** Runs batches until `condition` holds, letting the input's I/O happen in between. */
async function advanceUntil(clock: ManualClock, condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 1000) throw new Error(`gave up waiting for ${what}`);
    await sleep(2);
    await clock.advance(1000);
  }
}

function wordTotals(batches: [string, number][][][]): [string, number][] {
  const totals = new Map<string, number>();
  for (const [word, n] of flat(batches)) totals.set(word, (totals.get(word) ?? 0) + n);
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1));
}

function countWords(lines: DStream<string>): DStream<[string, number]> {
  return lines.flatMap(words).map(pair(1)).reduceByKey(sum);
}

describe.each(CORES)('ssc.readableStream (%s core)', (core) => {
  it('reads the lines of Readable.from([...]), the last one without newline too, and tells onEnd', async () => {
    const { clock, ssc } = context(core);
    let ended = 0;
    const input = Readable.from(['to be or\n', 'not to be\nthat is', ' the question']);
    const lines = ssc.readableStream(input, { onEnd: () => void ended++ });
    const got = record(lines);
    const counts = record(countWords(lines));
    await ssc.start();
    await advanceUntil(clock, () => ended === 1 && flat(got).length === 3, 'the input to be read');
    expect(flat(got)).toEqual(['to be or', 'not to be', 'that is the question']);
    expect(wordTotals(counts)).toEqual([['be', 2], ['is', 1], ['not', 1], ['or', 1], ['question', 1], ['that', 1], ['the', 1], ['to', 2]]);
  });

  it('joins lines split across chunks (mid-line, mid-character, between \\r and \\n)', async () => {
    const { clock, ssc } = context(core);
    const input = new PassThrough();
    const got = record(ssc.readableStream(input));
    await ssc.start();
    const text = Buffer.from('héllo wörld\r\nsecond line\r\nthird\rfourth\n');
    const cuts = [3, 7, 12, 13, 20, 26, 27, text.length];
    let from = 0;
    for (const cut of cuts) {
      input.write(text.subarray(from, cut));
      from = cut;
      await sleep(1);
    }
    input.end();
    await advanceUntil(clock, () => flat(got).length === 4, 'four lines');
    expect(flat(got)).toEqual(['héllo wörld', 'second line', 'third', 'fourth']);
  });

  it('skips a line over maxLineBytes and reports it', async () => {
    const { clock, ssc, errors } = context(core);
    const got = record(ssc.readableStream(Readable.from([`short\n${'x'.repeat(100)}\nafter\n`]), { maxLineBytes: 20, name: 'pipe' }));
    await ssc.start();
    await advanceUntil(clock, () => flat(got).length === 2, 'two lines');
    expect(flat(got)).toEqual(['short', 'after']);
    expect(errors).toEqual([expect.objectContaining({ name: 'pipe', droppedRecords: 1, lastErrorMessage: expect.stringMatching(/20/) })]);
  });

  it('pauses the readable at the memory bound, so the writer waits, and reads all of it as batches finish', async () => {
    const bound = 64 * 1024;
    const { clock, ssc } = context(core, { maxBufferedBytes: bound });
    const input = new PassThrough();
    const counts = record(countWords(ssc.readableStream(input)));
    await ssc.start();
    const chunk = Buffer.from('to be or not to be\n'.repeat(200));
    let blocked = 0;
    const writing = (async () => {
      for (let i = 0; i < 100; i++) {
        if (!input.write(chunk)) {
          blocked++;
          await new Promise((resolve) => input.once('drain', resolve));
        }
      }
      input.end();
    })();
    await waitFor(() => blocked > 0, 'the writer to be blocked');
    expect(ssc.receiverLimits.budget.bytes).toBeLessThanOrEqual(bound + chunk.length);
    await advanceUntil(clock, () => wordTotals(counts).find(([w]) => w === 'or')?.[1] === 100 * 200, 'every line counted');
    await writing;
    expect(wordTotals(counts)).toEqual([['be', 40_000], ['not', 20_000], ['or', 20_000], ['to', 40_000]]);
  });

  it('refuses what is not a Readable, and stops on chunks that are not text', async () => {
    const { clock, ssc, errors } = context(core);
    expect(() => ssc.readableStream({} as Readable)).toThrow(FlintError);
    expect(() => ssc.readableStream('lines.txt' as unknown as Readable)).toThrow(/readableStream needs a Node.js Readable/);
    let endedWith: Error | undefined;
    const got = record(ssc.readableStream(Readable.from(['a\n', { line: 'b' }]), { onEnd: (error) => void (endedWith = error) }));
    await ssc.start();
    await advanceUntil(clock, () => endedWith !== undefined, 'the input to fail');
    expect(endedWith?.message).toMatch(/the input gave a Object, not text/);
    expect(errors.at(-1)?.lastErrorMessage).toMatch(/input failed/);
    expect(flat(got)).toEqual(['a']);
  });

  it('logs its lines to the write-ahead log: a restarted context re-runs the batches after the checkpoint with them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-readable-wal-'));
    dirs.push(dir);
    const totals = new Map<number, number>();
    const create = (input: Readable, start: number) => () => {
      const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock: new ManualClock(start), writeAheadLog: true });
      ssc.checkpoint(dir);
      ssc
        .readableStream(input)
        .map((line) => line.length)
        .map((n): [string, number] => ['chars', n])
        .updateStateByKey<string, number, number>((vs, s) => vs.reduce((a, b) => a + b, s ?? 0))
        .foreachRDD((b, t) => void totals.set(t, b.collect()[0]?.[1] ?? 0));
      return ssc;
    };
    const input = new PassThrough();
    const first = StreamingContext.getOrCreate(dir, create(input, 0));
    await first.start();
    const clock = first.clock as ManualClock;
    for (let i = 1; i <= 13; i++) {
      input.write('x'.repeat(i) + '\n');
      await advanceUntil(clock, () => [...totals.values()].at(-1) === (i * (i + 1)) / 2, `line ${i}`);
    }
    const end = clock.now();
    const before = new Map(totals);
    // Stopped without a final checkpoint: the stateful stream's last one is at 10 s or later.
    await first.stop();
    totals.clear();
    const second = StreamingContext.getOrCreate(dir, create(Readable.from([]), end));
    contexts.push(second);
    await second.start();
    await (second.clock as ManualClock).advance(1000);
    await second.stop();
    // The batches re-run after the checkpoint found their lines in the log: the same totals.
    const rerun = [...totals].filter(([t]) => t <= end);
    expect(rerun.length).toBeGreaterThan(0);
    for (const [t, total] of rerun) expect(total).toBe(before.get(t));
    expect(totals.get(end + 1000)).toBe((13 * 14) / 2);
  });
});

describe.each(CORES)('stream.toReadable (%s core)', (core) => {
  it('gives the records of every batch to pipeline(), which ends when the context stops', async () => {
    const { clock, ssc } = context(core);
    const counts = countWords(ssc.queueStream([['a b a'], ['c'], [], ['b b d']]));
    const viaForeach = record(counts);
    const written: [string, number][] = [];
    const sink = new Writable({ objectMode: true, write: (record: [string, number], _, done) => (written.push(record), done()) });
    const piped = pipeline(counts.toReadable(), sink);
    await ssc.start();
    await clock.advance(4000);
    await ssc.stop();
    await piped;
    expect(written).toEqual(flat(viaForeach));
    expect(written).toHaveLength(5);
  });

  it('a slow reader holds the job back: buffered records stay within the high-water marks', async () => {
    const { clock, ssc } = context(core);
    const perBatch = 40;
    const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: perBatch }, (_, i) => `w${b}_${i}`));
    const records = ssc.queueStream(batches).map((w): [string, number] => [w, 1]);
    const readable = records.toReadable({ highWaterMark: 8 });
    let batchesDone = 0;
    ssc.addStreamingListener({ onBatchCompleted: () => void batchesDone++ });
    let written = 0;
    let mostAhead = 0;
    let mostBuffered = 0;
    const sink = new Writable({
      objectMode: true,
      highWaterMark: 2,
      write: (_record, _, done) => {
        written++;
        mostAhead = Math.max(mostAhead, batchesDone * perBatch - written);
        mostBuffered = Math.max(mostBuffered, readable.readableLength);
        setTimeout(done, 1);
      },
    });
    const piped = pipeline(readable, sink);
    await ssc.start();
    await clock.advance(6000);
    await ssc.stop();
    await piped;
    expect(written).toBe(6 * perBatch);
    expect(mostBuffered).toBeLessThanOrEqual(8);
    // Records of completed batches not yet written: at most the two buffers and the one in write().
    expect(mostAhead).toBeLessThanOrEqual(8 + 2 + 1);
  });

  it('a reader that fails detaches: later batches run without waiting, and stop() abandons nothing', async () => {
    const { clock, ssc } = context(core);
    const failed: string[] = [];
    ssc.addStreamingListener({
      onOutputOperationCompleted: ({ outputOperationInfo }) => void (outputOperationInfo.failureReason && failed.push(outputOperationInfo.failureReason)),
    });
    const lines = ssc.queueStream([['a', 'b'], ['c'], ['d'], ['e']]);
    const later = record(lines);
    let seen = 0;
    const sink = new Writable({
      objectMode: true,
      write: (_record, _, done) => done(++seen === 2 ? new Error('disk full') : null),
    });
    const piped = pipeline(lines.toReadable(), sink).then(
      () => undefined,
      (error: Error) => error,
    );
    await ssc.start();
    await clock.advance(4000);
    expect(await piped).toEqual(new Error('disk full'));
    await ssc.stop();
    expect(flat(later)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(failed).toEqual([]);
  });

  it('fails the Readable on a null record, which would end an object-mode stream', async () => {
    const { clock, ssc } = context(core);
    const readable = ssc.queueStream<string | null>([['a', null, 'b']]).toReadable();
    const got: unknown[] = [];
    const reading = (async () => {
      for await (const x of readable) got.push(x);
    })();
    await ssc.start();
    await clock.advance(1000);
    await expect(reading).rejects.toThrow(/cannot pass a null record/);
    // Destroying the Readable drops what it buffered; nothing after the null got through.
    expect(got).not.toContain('b');
  });
});
