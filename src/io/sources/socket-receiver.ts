// SocketReceiver: socketTextStream's receiver. A TCP client that reads UTF-8 lines and, whenever
// the connection fails or the server goes away, reports it and reconnects with backoff.
import { isIP, Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';
import { FlintError } from '../../errors.js';
import { checkMaxLineBytes, LineSplitter, lineTooLongError } from './line-splitter.js';
import { pauseUntil } from './pause-until.js';
import { ReadSlabs } from './read-slabs.js';
import { Receiver, storeBlocks, storeLinesUnacknowledged } from './receiver.js';

/** Options of `socketTextStream`. */
export interface SocketStreamOptions {
  /**
   * Longest line accepted, in bytes, not counting the line ending (default 64 MiB). A longer
   * line is skipped and reported to listeners' `onReceiverError`; the message names how many
   * lines were skipped so far.
   */
  maxLineBytes?: number;
  /** Delay before the first reconnect, in ms (default 100); doubled after each failure. */
  reconnectInitialDelay?: number;
  /** Longest delay between reconnects, in ms (default 5000). */
  reconnectMaxDelay?: number;
  /** Give up a connection attempt (and retry) after this many ms (default 10000). */
  connectTimeout?: number;
}

// An RFC 1123 host name; underscores are tolerated, as many resolvers do.
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * Checks a host and port before any connection is tried, and returns the host to connect to
 * (an IPv6 address loses its brackets: `[::1]` becomes `::1`).
 */
export function checkHostPort(host: unknown, port: unknown): string {
  const call = `socketTextStream(${JSON.stringify(host) ?? String(host)}, ${String(port)})`;
  if (typeof host !== 'string' || host.trim() === '') {
    throw new FlintError('INVALID_ARGUMENT', `${call}: host must be a host name or IP address, e.g. 'localhost' or '127.0.0.1'`);
  }
  const bare = /^\[(.*)\]$/.exec(host)?.[1] ?? host;
  if (isIP(bare) === 0 && !HOST_NAME.test(host)) {
    const hint = /^[^:]+:\d+$/.test(host)
      ? `it looks like host:port; pass the port separately, e.g. socketTextStream('${host.split(':')[0]}', ${host.split(':')[1]})`
      : "use a host name or IP address such as 'localhost' or '127.0.0.1', without scheme, path or spaces";
    throw new FlintError('INVALID_ARGUMENT', `${call}: host "${host}" is not a valid host name or IP address; ${hint}`);
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FlintError('INVALID_ARGUMENT', `${call}: port must be an integer TCP port from 1 to 65535`);
  }
  return bare;
}

function checkMs(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new FlintError('INVALID_ARGUMENT', `socketTextStream options.${name} must be a positive number of ms, got ${String(value)}`);
  }
  return value;
}

/**
 * Reads lines from `host:port` (Spark's `SocketReceiver`). Unlike Spark's, which restarts the
 * whole receiver, it reconnects by itself: after a refused connection, a timeout, an unknown
 * host or the server closing, it reports to listeners and tries again after a delay that starts
 * at `reconnectInitialDelay` and doubles up to `reconnectMaxDelay`. The delay goes back to the
 * initial one once a connection delivers data, so a server that accepts and closes at once is
 * not hammered.
 *
 * A final line without newline is kept when the server closes the connection cleanly; after a
 * connection error it may be cut short, so it is dropped. Over the rate limit or the memory bound
 * it stops reading the socket, so the server's writes block (TCP flow control).
 */
export class SocketReceiver extends Receiver<string> {
  /** The host connected to (IPv6 without brackets). */
  readonly host: string;
  private socket: Socket | undefined;
  private socketClosed: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private delay: number;
  private readonly maxLineBytes: number;
  private readonly initialDelay: number;
  private readonly maxDelay: number;
  private readonly connectTimeout: number;
  private connectionCount = 0;
  private dropped = 0;

  /** Checks every argument here, so a bad host, port or option fails at the call. */
  constructor(
    host: string,
    readonly port: number,
    options: SocketStreamOptions = {},
  ) {
    super();
    this.host = checkHostPort(host, port);
    this.maxLineBytes = checkMaxLineBytes(options.maxLineBytes, 'socketTextStream');
    this.initialDelay = checkMs(options.reconnectInitialDelay, 'reconnectInitialDelay', 100);
    this.maxDelay = checkMs(options.reconnectMaxDelay, 'reconnectMaxDelay', Math.max(5000, this.initialDelay));
    if (this.maxDelay < this.initialDelay) {
      throw new FlintError(
        'INVALID_ARGUMENT',
        `socketTextStream options.reconnectMaxDelay (${this.maxDelay} ms) must not be less than options.reconnectInitialDelay (${this.initialDelay} ms)`,
      );
    }
    this.connectTimeout = checkMs(options.connectTimeout, 'connectTimeout', 10_000);
    this.delay = this.initialDelay;
  }

  /** Connections established so far (reconnects included). */
  get connections(): number {
    return this.connectionCount;
  }

  /** Lines skipped so far for exceeding `maxLineBytes`. */
  get droppedLines(): number {
    return this.dropped;
  }

  /** Opens the first connection; failures are reported and retried, never thrown. */
  onStart(): void {
    this.delay = this.initialDelay;
    this.connect();
  }

  /** Cancels a pending reconnect and closes the socket; resolves once it is closed. */
  async onStop(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    await this.socketClosed;
  }

  private get where(): string {
    return `${this.host}:${this.port}`;
  }

  private connect(): void {
    this.retryTimer = undefined;
    if (this.isStopped()) return;
    const slabs = new ReadSlabs();
    const onData = (chunk: Buffer): void => {
      this.delay = this.initialDelay;
      const stored = storeBlocks(this, splitter.pushBlocks(chunk));
      if (stored) pauseUntil(socket, stored, () => this.socket === socket);
    };
    // Reads land in slabs kept by the received blocks, not in a fresh buffer each (no 'data' events).
    const onread: OnReadOpts = { buffer: () => slabs.next(), callback: (bytes) => {
        onData(slabs.filled(bytes));
        return true;
      } };
    // Node's Socket takes onread in its constructor too; @types/node lists it for connect only.
    const socket = new Socket({ onread } as SocketConstructorOpts);
    const splitter = new LineSplitter(this.maxLineBytes, () => {
      this.dropped++;
      const error = lineTooLongError(this.maxLineBytes, `from ${this.where}`, this.dropped);
      this.reportError(error.message, error, this.dropped);
    });
    let failure: Error | undefined;
    let connected = false;
    this.socket = socket;
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setTimeout(this.connectTimeout);
    socket.once('timeout', () => socket.destroy(new Error(`no connection after ${this.connectTimeout} ms`)));
    socket.once('connect', () => {
      connected = true;
      this.connectionCount++;
      // The timeout guards the connect only; a quiet stream is not an error.
      socket.setTimeout(0);
      socket.setKeepAlive(true);
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.once('close', () => {
      // Closed by onStop (or replaced): nothing to report, no reconnect.
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (!failure) {
        const last = splitter.endBlock();
        if (last) void storeLinesUnacknowledged(this, last);
      }
      this.scheduleReconnect(connected, failure);
    });
    socket.connect({ host: this.host, port: this.port });
  }

  private scheduleReconnect(connected: boolean, failure: Error | undefined): void {
    const wait = this.delay;
    this.delay = Math.min(this.maxDelay, this.delay * 2);
    const what = !connected
      ? `cannot connect to ${this.where}: ${failure?.message ?? 'connection closed'}`
      : failure
        ? `connection to ${this.where} lost: ${failure.message}`
        : `connection to ${this.where} closed by the server`;
    this.reportError(`${what}; reconnecting in ${wait} ms`, failure);
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }
}
