// CountRun: one countText task held open on a worker, fed pieces of text over a MessagePort.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { WorkerPool } from './pool.js';
import type { CountReply, CountRequest, CountTextTask } from './tasks.js';

/** What a run reports as the worker gets through its pieces. */
export interface CountRunListener {
  /** A piece was counted; its buffer is free for reuse. */
  pieceDone(run: CountRun, input: ArrayBuffer): void;
  /** The packed table of a finished segment. */
  partial(segment: number, packed: ArrayBuffer): void;
}

/** The task's settings: everything but the channel. */
export type CountSettings = Omit<CountTextTask, 'kind' | 'port'>;

/** A count run on one worker of `pool`; send pieces, then {@link CountRun.end}. */
export class CountRun {
  /** Pieces sent and not yet counted. */
  inFlight = 0;
  /** Resolves once every partial has been reported; rejects with the task's FlintError. */
  readonly finished: Promise<void>;
  private readonly port: MessagePort;
  private ended = false;

  constructor(pool: WorkerPool, settings: CountSettings, listener: CountRunListener) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const done = new Promise<void>((resolve) => {
      port1.on('message', (reply: CountReply) => {
        if (reply.kind === 'pieceDone') {
          this.inFlight--;
          listener.pieceDone(this, reply.input);
        } else if (reply.kind === 'partial') {
          listener.partial(reply.segment, reply.packed);
        } else {
          resolve();
        }
      });
    });
    const task = pool.run<void>({ kind: 'countText', port: port2, ...settings }, [port2]);
    // The task settles after its worker posted `done`; ports deliver in order, so waiting for
    // `done` as well means no partial is still on its way.
    this.finished = Promise.all([task, done]).then(
      () => this.close(),
      (error: unknown) => {
        this.close();
        throw error;
      },
    );
    // Failures are observed through `finished` by the caller; this keeps an abandoned run's
    // rejection from being reported as unhandled.
    this.finished.catch(() => undefined);
  }

  /** Sends `bytes` (whole lines; its buffer is transferred) for the table of `segment`. */
  send(bytes: Uint8Array, segment: number): void {
    this.inFlight++;
    this.post({ kind: 'piece', bytes, segment }, [bytes.buffer as ArrayBuffer]);
  }

  /** No more pieces: the worker sends back its last table and ends the task. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.post({ kind: 'end' });
  }

  /** Gives up on the run: the worker drops it and is free for other tasks. */
  close(): void {
    this.ended = true;
    this.port.close();
  }

  private post(request: CountRequest, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(request, transfer);
  }
}
