// StreamingUI: the web UI of one StreamingContext (Spark's SparkUI with its Streaming tab). It
// listens on the context's listener bus from creation, and serves from start() to stop().
import type { Core } from '../core/core.js';
import type { DStream } from '../dstream/dstream.js';
import type { StreamingListener } from '../scheduler/listener.js';
import type { ApplicationDescription } from './api-v1.js';
import { apiV1 } from './api-v1.js';
import { StreamingJobProgressListener } from './job-progress.js';
import { StreamingMetrics } from './metrics.js';
import { pageUpdate, type PageApplication } from './page-feed.js';
import { statefulStreams } from './state-keys.js';
import { packageVersion } from './static-files.js';
import type { ResolvedUIOptions } from './ui-options.js';
import { UIServer } from './ui-server.js';

/** What the UI needs to know of its context. */
export interface UIHost {
  readonly appName: string;
  readonly batchInterval: number;
  readonly master: string;
  readonly core: Core;
}

/** The output streams of the host's graph, for the metrics of stateful streams. */
export type OutputStreams = () => readonly DStream<unknown>[];

/** Every event the UI's parts handle. */
const EVENTS = [
  'onStreamingStarted',
  'onReceiverStarted',
  'onReceiverError',
  'onReceiverStopped',
  'onBatchSubmitted',
  'onBatchStarted',
  'onBatchCompleted',
  'onOutputOperationStarted',
  'onOutputOperationCompleted',
  'onCheckpointCompleted',
] as const satisfies readonly (keyof StreamingListener)[];

let applications = 0;

/** A Spark-style application id: `app-<yyyyMMddHHmmss>-<nnnn>`. */
function applicationId(now: Date): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  return `app-${stamp}-${String(applications++).padStart(4, '0')}`;
}

/** The web UI of one context. */
export class StreamingUI {
  /** The listener to add to the context's bus: one listener, so the bus copies each event once for the UI. */
  readonly listener: StreamingListener;
  readonly progress: StreamingJobProgressListener;
  readonly metrics: StreamingMetrics;
  private readonly app: PageApplication;
  private readonly server: UIServer;
  private url: string | undefined;

  constructor(
    private readonly host: UIHost,
    private readonly options: ResolvedUIOptions,
    outputStreams: OutputStreams = () => [],
  ) {
    this.progress = new StreamingJobProgressListener(options.retainedBatches);
    const poolStats = host.core.poolStats ? () => host.core.poolStats?.() : undefined;
    this.metrics = new StreamingMetrics(host.appName, {
      progress: this.progress,
      batchInterval: host.batchInterval,
      poolStats,
      blockCountStats: host.core.blockCountStats && (() => host.core.blockCountStats?.()),
      statefulStreams: () => statefulStreams(outputStreams()),
    });
    this.listener = fanOut([this.progress, this.metrics]);
    const now = new Date();
    this.app = {
      id: applicationId(now),
      name: host.appName,
      batchDuration: host.batchInterval,
      startTimeEpoch: now.getTime(),
      version: packageVersion(),
      core: host.core.name,
      master: host.master,
    };
    this.server = new UIServer({
      api: (path, query) => apiV1(path, query, this.app, this.progress),
      page: (since) => pageUpdate(this.app, this.progress, since, this.host.core.poolStats?.()),
      metrics: async () => ({ contentType: this.metrics.registry.contentType, body: await this.metrics.scrape() }),
    });
  }

  /** The application's description (its `id` is the `{appId}` of the REST API). */
  get application(): Readonly<ApplicationDescription> {
    return this.app;
  }

  /** `http://host:port` once started, until stopped. */
  get webUrl(): string | undefined {
    return this.url;
  }

  /** Pages connected to the live updates. */
  get livePages(): number {
    return this.server.livePages;
  }

  /** Listens (on the next free port when the asked one is taken) and prints the address on stderr. */
  async start(): Promise<string> {
    const { host, port } = this.options;
    const bound = await this.server.listen(host, port);
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    const moved = port !== 0 && bound !== port ? ` (port ${port} was taken)` : '';
    process.stderr.write(`flint: web UI at ${this.url}/streaming/${moved}\n`);
    return this.url;
  }

  /** Closes the server; the application is marked completed. */
  async stop(): Promise<void> {
    this.app.endTimeEpoch ??= Date.now();
    this.url = undefined;
    await this.server.close();
  }
}

// One listener calling each part in turn; the parts only read the event, so they share one copy.
function fanOut(parts: StreamingListener[]): StreamingListener {
  const listener: StreamingListener = {};
  for (const name of EVENTS) {
    const handlers = parts.filter((p) => typeof p[name] === 'function');
    if (handlers.length === 0) continue;
    (listener as Record<string, (event: unknown) => void>)[name] = (event) => {
      for (const part of handlers) (part[name] as (e: unknown) => void).call(part, event);
    };
  }
  return listener;
}
