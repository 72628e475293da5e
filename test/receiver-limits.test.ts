// Rate limits and the memory bound on receivers, on a manual clock: options checked up front,
// receiverMaxRate per batch, store()'s promise, throttle events, stdin and the demo pausing.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { blockOfLines } from '../src/batch/text-batch.js';
import { DemoReceiver } from '../src/cli/demo-source.js';
import { ManualClock, Receiver, StreamingContext, type ReceiverThrottleInfo, type StreamingContextOptions } from '../src/index.js';
import { ReadableReceiver } from '../src/io/sources/readable-receiver.js';
import { defaultMaxBufferedBytes } from '../src/io/sources/receiver-limits.js';
import { flat, record, sleep, waitFor } from './support/sources-helpers.js';

/** A context on a manual clock at 0 (batches of 1 s, local[2]) that records throttle events. */
function limitedContext(options: Partial<StreamingContextOptions>) {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core: 'js', clock, ...options });
  const events: (ReceiverThrottleInfo & { event: string; name: string })[] = [];
  ssc.addStreamingListener({
    onReceiverThrottled: ({ receiverInfo, throttleInfo }) => void events.push({ event: 'throttled', name: receiverInfo.name, ...throttleInfo }),
    onReceiverResumed: ({ receiverInfo, throttleInfo }) => void events.push({ event: 'resumed', name: receiverInfo.name, ...throttleInfo }),
  });
  contexts.push(ssc);
  return { ssc, clock, events, budget: ssc.receiverLimits.budget };
}

let contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts) await ssc.stop();
  contexts = [];
});

/** A receiver the test feeds by hand. */
class Hand<T> extends Receiver<T> {
  onStart(): void {}
  onStop(): void {}
}

/** Stores `count` items of exactly 100 estimated bytes (24 + 76 characters), awaiting each store; counts the calls. */
class Looping extends Receiver<string> {
  stored = 0;
  private loop: Promise<void> = Promise.resolve();
  constructor(private readonly count: number) {
    super();
  }
  onStart(): void {
    this.loop = (async () => {
      for (let i = 0; i < this.count && this.isStarted(); i++) {
        this.stored++;
        await this.store(String(i).padEnd(76, '.'));
      }
    })();
  }
  async onStop(): Promise<void> {
    await this.loop; // would hang if a store awaited at the stop never settled
  }
}

const sizes = (batches: unknown[][][]): number[] => batches.map((b) => b.flat().length);

describe('receiver limit options', () => {
  it.each([
    [{ receiverMaxRate: 0 }, 'StreamingContext options.receiverMaxRate must be a positive number of records per second (or Infinity for no limit), got 0'],
    [{ receiverMaxRate: Number.NaN }, 'options.receiverMaxRate must be a positive number'],
    [{ backpressure: 'yes' }, 'StreamingContext options.backpressure must be true or false, got yes'],
    [{ backpressure: true, backpressureInitialRate: -1 }, 'options.backpressureInitialRate must be a positive, finite number of records per second, got -1'],
    [{ backpressureInitialRate: 100 }, 'options.backpressureInitialRate only applies with backpressure; add backpressure: true or drop backpressureInitialRate'],
    [{ maxBufferedBytes: 0 }, 'options.maxBufferedBytes must be a whole number of bytes of at least 1 (or Infinity for no bound), got 0'],
    [{ maxBufferedBytes: 1.5 }, 'options.maxBufferedBytes must be a whole number of bytes'],
  ])('rejects %j', (options, message) => {
    const make = () => new StreamingContext({ batchInterval: 1000, core: 'js', ...(options as object) });
    expect(make).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(make).toThrow(message);
  });

  it('bounds memory by default, at 1/64 of the heap limit between 16 and 256 MiB', () => {
    const { ssc } = limitedContext({});
    expect(ssc.receiverLimits.budget.maxBytes).toBe(defaultMaxBufferedBytes());
    expect(defaultMaxBufferedBytes()).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(defaultMaxBufferedBytes()).toBeLessThanOrEqual(256 * 1024 * 1024);
    expect(ssc.receiverLimits).toMatchObject({ receiverMaxRate: Infinity, backpressure: false, backpressureInitialRate: undefined });
  });
});

describe('receiverMaxRate', () => {
  it('lets through at most maxRate records per second of batch, keeping every record in order', async () => {
    const { ssc, clock } = limitedContext({ receiverMaxRate: 100 });
    const r = new Hand<number>();
    const batches = record(ssc.receiverStream(r));
    await ssc.start();
    let settled = false;
    void r.store(Array.from({ length: 1000 }, (_, i) => i)).then(() => (settled = true));
    await clock.advance(9000);
    expect(settled).toBe(false); // 100 records still wait for the rate
    await clock.advance(2000);
    expect(settled).toBe(true);
    expect(sizes(batches)).toEqual([...Array(10).fill(100), 0]);
    expect(flat(batches)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('cuts blocks of lines at line ends', async () => {
    const { ssc, clock } = limitedContext({ receiverMaxRate: 100 });
    const r = new Hand<string>();
    const batches = record(ssc.receiverStream(r));
    await ssc.start();
    const lines = Array.from({ length: 250 }, (_, i) => `line ${i}`);
    void r.storeLines(blockOfLines(lines));
    await clock.advance(3000);
    expect(sizes(batches)).toEqual([100, 100, 50]);
    expect(flat(batches)).toEqual(lines);
  });

  it('lets waiting records through at once when the context stops gracefully', async () => {
    const { ssc, clock } = limitedContext({ receiverMaxRate: 10 });
    const r = new Hand<number>();
    const batches = record(ssc.receiverStream(r));
    await ssc.start();
    void r.store(Array.from({ length: 100 }, (_, i) => i));
    const stopping = ssc.stop({ graceful: true });
    await clock.advance(1000);
    await stopping;
    expect(flat(batches)).toHaveLength(100);
  });
});

describe('maxBufferedBytes', () => {
  it("stops a receiver at the bound, tells listeners, and resumes it once batches are processed; nothing is dropped", async () => {
    const { ssc, clock, events, budget } = limitedContext({ maxBufferedBytes: 1000 });
    const r = new Looping(35);
    const batches = record(ssc.receiverStream(r, 'looping'));
    await ssc.start();
    await waitFor(() => events.length === 1, 'the throttled event');
    // The store that reached the bound was kept, and the receiver waits for its promise.
    expect(r.stored).toBe(10);
    expect(budget.bytes).toBe(1000);
    expect(events[0]).toEqual({ event: 'throttled', name: 'looping', bufferedBytes: 1000, maxBufferedBytes: 1000, time: 0 });
    for (let t = 1; t <= 4; t++) {
      await clock.advance(1000);
      await waitFor(() => r.stored === Math.min(35, 10 * (t + 1)), `stores after batch ${t}`);
      expect(budget.bytes).toBeLessThanOrEqual(1000);
    }
    expect(sizes(batches)).toEqual([10, 10, 10, 5]);
    expect(flat(batches)).toEqual(Array.from({ length: 35 }, (_, i) => String(i).padEnd(76, '.')));
    expect(events.map((e) => e.event)).toEqual(['throttled', 'resumed', 'throttled', 'resumed', 'throttled', 'resumed']);
    expect(events[1]).toMatchObject({ bufferedBytes: 0, time: 1000 });
  });

  it('settles stores still waiting when the context stops, so an onStop that awaits them returns', async () => {
    const { ssc, events } = limitedContext({ maxBufferedBytes: 1000 });
    ssc.receiverStream(new Looping(1000)).foreachRDD(() => undefined);
    await ssc.start();
    await waitFor(() => events.length === 1, 'the throttled event');
    await ssc.stop(); // the harness's timeout fails the test if this hangs
    expect(ssc.getState()).toBe('STOPPED');
  });

  it('pauses a readable input (stdin), so the writer sees a full pipe, and reads all of it as batches finish', async () => {
    const { ssc, clock, events, budget } = limitedContext({ maxBufferedBytes: 64 * 1024 });
    const input = new PassThrough();
    const batches = record(ssc.receiverStream(new ReadableReceiver(input), 'stdin'));
    await ssc.start();
    const chunk = Buffer.from('to be or not to be\n'.repeat(200)); // 3800 bytes, 200 lines
    let written = 0;
    let blocked = 0;
    const writeAll = async (chunks: number): Promise<void> => {
      for (let i = 0; i < chunks; i++) {
        written++;
        if (!input.write(chunk)) {
          blocked++;
          await new Promise((resolve) => input.once('drain', resolve));
        }
      }
      input.end();
    };
    const writing = writeAll(200); // 760 KB, over ten times the bound
    await waitFor(() => events.length > 0 && blocked > 0, 'the bound to be reached and the writer blocked');
    const before = written;
    await sleep(50);
    expect(written).toBe(before); // the writer waits for the pipe
    expect(budget.bytes).toBeLessThanOrEqual(64 * 1024 + chunk.length);
    for (let i = 0; i < 100 && flat(batches).length < 200 * 200; i++) {
      await clock.advance(1000);
      await sleep(1);
      expect(budget.bytes).toBeLessThanOrEqual(64 * 1024 + chunk.length);
    }
    await writing;
    expect(flat(batches)).toHaveLength(200 * 200);
  });

  it('makes the demo stop generating while the bound is reached', async () => {
    const { ssc, events, budget } = limitedContext({ maxBufferedBytes: 256 * 1024 });
    ssc.receiverStream(new DemoReceiver({ rate: 1_000_000 }), 'demo').foreachRDD(() => undefined);
    await ssc.start();
    await waitFor(() => events.length === 1, 'the throttled event');
    const held = budget.bytes;
    await sleep(100); // five generator ticks
    expect(budget.bytes).toBe(held);
    expect(events).toHaveLength(1);
  });
});
