// Helpers for the source tests: a context on a manual clock that records batches and receiver
// errors, bounded polling for real I/O, and a TCP line server on 127.0.0.1.
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { type DStream, ManualClock, type ReceiverInfo, StreamingContext } from '../../src/index.js';

/** Sleeps `ms` real milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `condition` every few ms until it holds; fails after `timeout` ms with `what` in the
 * message. For waiting on real I/O, never for asserting speed.
 */
export async function waitFor(condition: () => boolean, what: string, timeout = 5000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited >= timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** A context on a manual clock, with what its listeners and outputs saw. */
export interface SourceTestEnv {
  readonly ssc: StreamingContext;
  readonly clock: ManualClock;
  readonly interval: number;
  /** Every `onReceiverError` event, in order. */
  readonly errors: ReceiverInfo[];
  /** Receiver names from `onReceiverStopped`. */
  readonly stopped: string[];
}

/** A context with `batchInterval` 1000 on a ManualClock at 0, `local[2]`, recording receiver events. */
export function sourceContext(): SourceTestEnv {
  const clock = new ManualClock(0);
  const interval = 1000;
  const ssc = new StreamingContext({ batchInterval: interval, master: 'local[2]', clock });
  const errors: ReceiverInfo[] = [];
  const stopped: string[] = [];
  ssc.addStreamingListener({
    onReceiverError: ({ receiverInfo }) => void errors.push(receiverInfo),
    onReceiverStopped: ({ receiverInfo }) => void stopped.push(receiverInfo.name),
  });
  return { ssc, clock, interval, errors, stopped };
}

/** Records each batch of `stream` as its partitions (`glom().collect()`). */
export function record<T>(stream: DStream<T>): T[][][] {
  const batches: T[][][] = [];
  stream.foreachRDD((batch) => void batches.push(batch.partitions.map((p) => [...p])));
  return batches;
}

/** Every element of every recorded batch, in order. */
export function flat<T>(batches: T[][][]): T[] {
  return batches.flat(2) as T[];
}

/**
 * Runs batches (one interval each, letting real I/O happen in between) until `condition` holds;
 * fails after `timeout` ms of real time.
 */
export async function advanceUntil(env: SourceTestEnv, condition: () => boolean, what: string, timeout = 5000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited >= timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(5);
    await env.clock.advance(env.interval);
  }
}

/** A TCP server on 127.0.0.1 that keeps track of its client connections. */
export class LineServer {
  readonly clients: Socket[] = [];
  /** Clients whose connection has closed. */
  closedClients = 0;
  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.clients.push(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.closedClients++);
    });
  }

  /** Listens on `port` (default 0: any free port). */
  static async listen(port = 0): Promise<LineServer> {
    const server = createServer();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return new LineServer(server);
  }

  /** The port listened on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Waits until `n` clients have connected. */
  async waitForClients(n: number): Promise<Socket> {
    await waitFor(() => this.clients.length >= n, `${n} client connection(s)`);
    return this.clients[n - 1]!;
  }

  /** Writes to the latest client and waits until the bytes are handed to the OS. */
  async write(data: string | Buffer): Promise<void> {
    const client = this.clients[this.clients.length - 1]!;
    await new Promise<void>((resolve, reject) => client.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** Stops listening and drops every client; resolves once the server is closed. */
  async close(): Promise<void> {
    for (const client of this.clients) client.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = await LineServer.listen();
  const port = server.port;
  await server.close();
  return port;
}

/** Counts of the process's open sockets and timers, to check that a stop released them. */
export function openHandles(): { sockets: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  return {
    sockets: info.filter((r) => r.startsWith('TCP')).length,
    timers: info.filter((r) => r === 'Timeout').length,
  };
}
