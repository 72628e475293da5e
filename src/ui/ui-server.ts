// The web UI's HTTP server: the Streaming page and its files, the page's feed, Spark's REST API
// and Prometheus metrics. It listens on the first free port from the one asked (as Spark's UI
// does), and nothing a request does can reach the job: a failing request is answered with 500.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlintError } from '../errors.js';
import type { ApiResponse } from './api-v1.js';
import { LiveUpdates } from './live-updates.js';
import type { PageUpdate } from './page-feed.js';
import { StaticFiles } from './static-files.js';
import { UI_PORT_RETRIES } from './ui-options.js';

/** What the server serves; each is called per request. */
export interface UIRoutes {
  /** `GET /api/v1{path}`. */
  api(path: string, query: URLSearchParams): ApiResponse;
  /** The page update after `since` completed batches. */
  page(since: number): PageUpdate;
  /** Prometheus text exposition and its content type. */
  metrics(): Promise<{ contentType: string; body: string }>;
}

/** An HTTP server for one context's UI. */
export class UIServer {
  private readonly server: Server;
  private readonly files = new StaticFiles();
  private readonly live: LiveUpdates;

  constructor(private readonly routes: UIRoutes) {
    this.live = new LiveUpdates((since) => routes.page(since));
    this.server = createServer((req, res) => void this.handle(req, res));
    // A broken client connection concerns that client only.
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  /**
   * Listens on `host:port`, or on the next of {@link UI_PORT_RETRIES} ports when it is taken (not
   * with port 0, which picks a free port); resolves with the port it got.
   */
  async listen(host: string, port: number): Promise<number> {
    const last = port === 0 ? 0 : Math.min(65535, port + UI_PORT_RETRIES);
    for (let candidate = port; ; candidate++) {
      try {
        await this.tryListen(host, candidate);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' && candidate < last) continue;
        const ports = last > port ? `ports ${port} to ${last}` : `port ${port}`;
        throw new FlintError(
          'UI_BIND_FAILED',
          `the web UI could not listen on ${host} (${ports}): ${(error as Error).message}; pass another ui.port (--ui-port), or turn the UI off with ui: false (--no-ui)`,
          { cause: error },
        );
      }
    }
    // From now on a server error (such as too many open files) is reported, never thrown.
    this.server.on('error', (error) => process.emitWarning(`web UI: ${error.message}`, 'FlintUIWarning'));
    return (this.server.address() as AddressInfo).port;
  }

  /** Pages connected to the live updates. */
  get livePages(): number {
    return this.live.size;
  }

  /** Ends live updates and open connections; resolves when the server is closed. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.live.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private tryListen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        this.server.off('listening', onListening);
        reject(error);
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        resolve();
      };
      this.server.once('error', onError).once('listening', onListening);
      this.server.listen(port, host);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else json(res, 500, { message: `internal error: ${(error as Error)?.message ?? String(error)}` });
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ui');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return json(res, 405, { message: `${req.method} is not supported; the UI is read-only (GET)` });
    }
    if (path === '/') {
      res.writeHead(302, { location: '/streaming/' }).end();
      return;
    }
    if (path === '/streaming' || path === '/streaming/') return this.file(res, 'index.html');
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path.startsWith('/static/')) return this.file(res, path.slice('/static/'.length));
    if (path.startsWith('/api/v1/')) {
      const { status, body } = this.routes.api(path.slice('/api/v1'.length), url.searchParams);
      return json(res, status, body, true);
    }
    if (path === '/metrics') {
      const { contentType, body } = await this.routes.metrics();
      res.writeHead(200, { 'content-type': contentType }).end(body);
      return;
    }
    const since = sinceParam(url.searchParams);
    if (path === '/ui/state') return json(res, 200, this.routes.page(since));
    if (path === '/ui/events') return this.live.connect(req, res, since);
    json(res, 404, { message: `no page at ${path}; the Streaming page is at /streaming/, the REST API under /api/v1/applications` });
  }

  private async file(res: ServerResponse, name: string): Promise<void> {
    const file = this.files.get(name);
    if (!file) return json(res, 404, { message: `no file ${name}` });
    const { contentType, body } = await file;
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' }).end(body);
  }
}

function sinceParam(query: URLSearchParams): number {
  const since = Number(query.get('since') ?? 0);
  return Number.isSafeInteger(since) && since >= 0 ? since : 0;
}

// The REST API is pretty-printed, as Spark's is; the page's feed is compact.
function json(res: ServerResponse, status: number, body: unknown, pretty = false): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body, null, pretty ? 2 : undefined));
}
