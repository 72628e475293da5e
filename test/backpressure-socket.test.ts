// A TCP server on 127.0.0.1 writing as fast as it can into a pipeline with a deliberately slow
// output: with the memory bound or backpressure, buffered bytes and scheduling delay stay bounded
// and the server's writes block; with neither, the backlog grows.
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pair, StreamingContext, sum, words, type BatchInfo, type DStream, type StreamingContextOptions } from '../src/index.js';
import { waitFor } from './support/sources-helpers.js';

const LINE = 'the quick brown fox jumps over the lazy dog\n';
const CHUNK = Buffer.from(LINE.repeat(Math.ceil(65536 / LINE.length)));
const MiB = 1024 * 1024;
/** One socket read (64 KiB) may land past the bound before the receiver pauses; twice that is slack. */
const SLACK = 128 * 1024;

/** Writes CHUNK to each client as fast as the socket takes it, and counts the writes that block. */
class FloodServer {
  written = 0;
  blockedWrites = 0;
  waitingForDrain = false;
  private readonly clients: Socket[] = [];
  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.clients.push(socket);
      socket.on('error', () => undefined);
      const pump = (): void => {
        this.waitingForDrain = false;
        while (!socket.destroyed) {
          this.written += CHUNK.length;
          if (!socket.write(CHUNK)) {
            this.blockedWrites++;
            this.waitingForDrain = true;
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  }

  static async listen(): Promise<FloodServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new FloodServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Sleeps `ms`, or less if `signal` aborts first. */
function sleepUnless(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** Records per ms the slow output gets through: it sleeps in proportion to its batch. */
const RECORDS_PER_MS = 50;

/**
 * A started word count on a flood server, on the system clock with 100 ms batches. The lines also
 * go to a slow output that takes 1 ms per 50 lines. Tracks the largest buffered byte count seen.
 */
async function floodedJob(options: Partial<StreamingContextOptions>) {
  const server = await FloodServer.listen();
  cleanup.push(() => server.close());
  const ssc = new StreamingContext({ batchInterval: 100, master: 'local[2]', core: 'js', ...options });
  cleanup.push(() => ssc.stop());
  const lines: DStream<string> = ssc.socketTextStream('127.0.0.1', server.port);
  lines.flatMap(words).map(pair(1)).reduceByKey(sum).foreachRDD((batch) => void batch.count());
  // Cut short when the test ends, so that stopping does not wait out a huge batch.
  const ended = new AbortController();
  cleanup.push(async () => ended.abort());
  lines.foreachRDD((batch) => sleepUnless(batch.count() / RECORDS_PER_MS, ended.signal));
  const completed: BatchInfo[] = [];
  const queued = new Map<number, number>();
  let throttled = 0;
  ssc.addStreamingListener({
    onBatchSubmitted: ({ batchInfo }) => void queued.set(batchInfo.batchTime, batchInfo.submissionTime),
    onBatchStarted: ({ batchInfo }) => void queued.delete(batchInfo.batchTime),
    onBatchCompleted: ({ batchInfo }) => void completed.push(batchInfo),
    onReceiverThrottled: () => void throttled++,
  });
  const budget = ssc.receiverLimits.budget;
  let maxBuffered = 0;
  const sampler = setInterval(() => (maxBuffered = Math.max(maxBuffered, budget.bytes)), 2);
  cleanup.push(async () => clearInterval(sampler));
  await ssc.start();
  return {
    server,
    ssc,
    completed,
    budget,
    get maxBuffered() {
      return Math.max(maxBuffered, budget.bytes);
    },
    get throttled() {
      return throttled;
    },
    /** How long the oldest batch not yet started has waited: the scheduling delay building up. */
    oldestQueuedWait: () => Math.max(0, ...[...queued.values()].map((submitted) => Date.now() - submitted)),
  };
}

describe('a flooding TCP server and a slow output', () => {
  it.each(['js', 'wasm'] as const)(
    'maxBufferedBytes keeps buffered bytes under the bound and blocks the server (%s core)',
    async (core) => {
      const job = await floodedJob({ core, maxBufferedBytes: MiB });
      await waitFor(() => job.throttled > 0 && job.server.waitingForDrain && job.completed.length >= 5, 'the bound, a blocked server and 5 batches', 10_000);
      expect(job.maxBuffered).toBeLessThanOrEqual(MiB + SLACK);
      expect(job.server.blockedWrites).toBeGreaterThan(0);
      expect(job.completed.reduce((n, b) => n + b.numRecords, 0)).toBeGreaterThan(0);
    },
  );

  it('with neither backpressure nor a bound, the backlog and the scheduling delay grow', async () => {
    const job = await floodedJob({ maxBufferedBytes: Infinity });
    await waitFor(() => job.budget.bytes > 8 * MiB && job.oldestQueuedWait() > 1000, 'a growing backlog', 10_000);
  });

  it('with backpressure and no bound, scheduling delay and buffered bytes stay bounded', async () => {
    const job = await floodedJob({ backpressure: true, backpressureInitialRate: 2000, maxBufferedBytes: Infinity });
    await waitFor(() => job.completed.length >= 20, '20 batches', 10_000);
    const last = job.completed.slice(-5);
    // Processing keeps up with the estimated rate: no batch waits long for the one before it.
    expect(Math.max(...last.map((b) => b.schedulingDelay!))).toBeLessThan(1000);
    expect(last.every((b) => b.numRecords > 0)).toBe(true);
    // The receiver reads no faster than the rate: what is buffered stays far below the backlog above.
    expect(job.maxBuffered).toBeLessThan(8 * MiB);
    expect(job.server.blockedWrites).toBeGreaterThan(0);
  });
});
