// Server-sent events for the Streaming page: each connected page gets, every interval, the update
// since what it last saw. The timer runs only while a page is connected, and a batch never waits
// for a page: the events are written from the timer, not from listener callbacks.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How often connected pages are updated, ms. */
export const LIVE_UPDATE_MS = 500;

interface Client {
  res: ServerResponse;
  since: number;
}

/** The connected pages of one UI server. */
export class LiveUpdates {
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | undefined;

  /** `update(since)` is the JSON-able update for a page that has seen `since` completed batches. */
  constructor(private readonly update: (since: number) => { completedTotal: number }) {}

  /** Turns `res` into an event stream that starts with everything after `since`. */
  connect(req: IncomingMessage, res: ServerResponse, since: number): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const client: Client = { res, since };
    this.clients.add(client);
    this.send(client);
    req.on('close', () => this.disconnect(client));
    this.timer ??= setInterval(() => this.sendAll(), LIVE_UPDATE_MS).unref();
  }

  /** Pages connected now. */
  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    for (const client of [...this.clients]) {
      client.res.end();
      this.disconnect(client);
    }
  }

  private disconnect(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private sendAll(): void {
    for (const client of this.clients) this.send(client);
  }

  // A page that cannot keep up (its socket buffer is full) skips updates until it drains;
  // it misses no batch, as its `since` stays where it was.
  private send(client: Client): void {
    if (client.res.writableNeedDrain) return;
    try {
      const update = this.update(client.since);
      client.res.write(`data: ${JSON.stringify(update)}\n\n`);
      client.since = update.completedTotal;
    } catch (error) {
      client.res.destroy(error as Error);
      this.disconnect(client);
    }
  }
}
