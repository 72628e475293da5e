// SocketReceiver: socketTextStream's receiver. A TCP client that reads UTF-8 lines and reconnects
// with exponential backoff when the server goes away.
import { Socket } from 'node:net';
import { FlintError } from '../../errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './line-splitter.js';
import { Receiver } from './receiver.js';

/** Options of `socketTextStream`. */
export interface SocketStreamOptions {
  /** Longest line accepted, in bytes; longer lines are reported and skipped (default 64 MiB). */
  maxLineBytes?: number;
  /** First reconnect delay in ms (default 100), doubled per failure. */
  reconnectInitialDelay?: number;
  /** Longest reconnect delay in ms (default 5000). */
  reconnectMaxDelay?: number;
}

/** Checks a host and port before any connection is tried. */
export function checkHostPort(host: string, port: number): void {
  if (typeof host !== 'string' || host.trim() === '' || /[\s/]/.test(host)) {
    throw new FlintError('INVALID_ARGUMENT', `socketTextStream host "${String(host)}" is not a host name or IP address; use e.g. 'localhost' or '127.0.0.1'`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FlintError('INVALID_ARGUMENT', `socketTextStream port ${String(port)} is not a TCP port; use an integer from 1 to 65535`);
  }
}

/** Reads lines from `host:port`, reconnecting with backoff. */
export class SocketReceiver extends Receiver<string> {
  private socket: Socket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private delay: number;
  private readonly maxLineBytes: number;
  private readonly initialDelay: number;
  private readonly maxDelay: number;
  /** Successful connections so far. */
  connections = 0;
  /** Lines skipped for exceeding `maxLineBytes`. */
  droppedLines = 0;

  constructor(
    readonly host: string,
    readonly port: number,
    options: SocketStreamOptions = {},
  ) {
    super();
    checkHostPort(host, port);
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.initialDelay = options.reconnectInitialDelay ?? 100;
    this.maxDelay = options.reconnectMaxDelay ?? 5000;
    this.delay = this.initialDelay;
  }

  onStart(): void {
    this.connect();
  }

  onStop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): void {
    if (this.isStopped()) return;
    const splitter = new LineSplitter(this.maxLineBytes, (bytes) => {
      this.droppedLines++;
      this.reportError(`line of more than ${this.maxLineBytes} bytes (${bytes} so far) from ${this.host}:${this.port} skipped; raise maxLineBytes if such lines are expected`);
    });
    const socket = new Socket();
    this.socket = socket;
    socket.on('connect', () => {
      this.connections++;
      this.delay = this.initialDelay;
    });
    socket.on('data', (chunk: Buffer) => {
      const lines = splitter.push(chunk);
      if (lines.length > 0) this.store(lines);
    });
    socket.on('error', (error) => {
      this.reportError(`connection to ${this.host}:${this.port} failed: ${error.message}; retrying in ${this.delay} ms`, error);
    });
    socket.on('close', () => {
      const last = splitter.end();
      if (last.length > 0) this.store(last);
      if (this.socket !== socket || this.isStopped()) return;
      this.retryTimer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.maxDelay, this.delay * 2);
    });
    socket.connect(this.port, this.host);
  }
}
