// The web UI over HTTP against a running context, on both cores: every REST endpoint with Spark's
// field names checked against the listener's BatchInfo, the page's feed and its server-sent
// events, /metrics, the static files, 404s, 500s, the port fallback, and the CLI's UI.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkerPool } from '../src/pool/pool.js';
import type { FailTask } from '../src/pool/tasks.js';
import { ManualClock, State, StateSpec, StreamingContext, type BatchInfo } from '../src/index.js';
import { StreamingJobProgressListener } from '../src/ui/job-progress.js';
import { StreamingMetrics } from '../src/ui/metrics.js';
import { UIServer } from '../src/ui/ui-server.js';
import { resolveUIOptions } from '../src/ui/ui-options.js';
import { CORES } from './support/harness.js';
import { startUiJob } from './support/ui-job.js';

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, body: await res.json() };
}

const sparkDate = (ms: number): string => new Date(ms).toISOString().replace('Z', 'GMT');

/** Spark's BatchInfo of the REST API for a completed batch, from the listener's BatchInfo. */
function expectedBatch(b: BatchInfo) {
  const failed = b.outputOperationInfos.filter((op) => op.failureReason !== undefined);
  return {
    batchId: b.batchTime,
    batchTime: sparkDate(b.batchTime),
    status: 'COMPLETED',
    batchDuration: 1000,
    inputSize: b.numRecords,
    schedulingDelay: b.schedulingDelay,
    processingTime: b.processingDelay,
    totalDelay: b.totalDelay,
    numActiveOutputOps: 0,
    numCompletedOutputOps: b.outputOperationInfos.length - failed.length,
    numFailedOutputOps: failed.length,
    numTotalOutputOps: b.outputOperationInfos.length,
    ...(failed.length > 0 && { firstFailureReason: failed[0]!.failureReason }),
  };
}

/** Reads the first server-sent event of `url`. */
async function firstEvent(url: string): Promise<any> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  return JSON.parse(text.slice('data: '.length, text.indexOf('\n\n')));
}

describe.each(CORES)('web UI over HTTP (%s core)', (core) => {
  it('serves Spark streaming REST endpoints, the page feed and metrics that match the listener', async () => {
    const job = await startUiJob(core, { batches: 5, failAt: [2000], ui: { retainedBatches: 3 } });
    stops.push(() => job.ssc.stop());
    await job.runBatches(5);
    await vi.waitFor(() => expect(job.completed).toHaveLength(5));
    const { url, completed } = job;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const retained = completed.slice(-3);

    const apps = await getJson(`${url}/api/v1/applications`);
    expect(apps.status).toBe(200);
    expect(apps.body).toHaveLength(1);
    const app = apps.body[0];
    expect(app).toMatchObject({ name: `ui test ${core}`, attempts: [{ completed: false, endTimeEpoch: -1, appSparkVersion: expect.any(String) }] });
    expect(app.id).toMatch(/^app-\d{14}-\d{4}$/);
    const base = `${url}/api/v1/applications/${app.id}/streaming`;

    const stats = (await getJson(`${base}/statistics`)).body;
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(stats).toEqual({
      startTime: sparkDate(0),
      batchDuration: 1000,
      numReceivers: 1,
      numActiveReceivers: 1,
      numInactiveReceivers: 0,
      numTotalCompletedBatches: 5,
      numRetainedCompletedBatches: 3,
      numActiveBatches: 0,
      numProcessedRecords: completed.reduce((n, b) => n + b.numRecords, 0),
      numReceivedRecords: completed.reduce((n, b) => n + b.numRecords, 0),
      avgInputRate: avg(retained.map((b) => b.numRecords)),
      avgSchedulingDelay: Math.floor(avg(retained.map((b) => b.schedulingDelay!))),
      avgProcessingTime: Math.floor(avg(retained.map((b) => b.processingDelay!))),
      avgTotalDelay: Math.floor(avg(retained.map((b) => b.totalDelay!))),
    });

    const receivers = (await getJson(`${base}/receivers`)).body;
    const rates = retained.map((b) => [b.batchTime, b.numRecords]);
    expect(receivers).toEqual([
      { streamId: 0, streamName: 'QueueInputDStream', isActive: true, executorId: 'driver', avgEventRate: avg(rates.map(([, r]) => r!)), eventRates: rates, droppedRecords: 0 },
    ]);
    expect((await getJson(`${base}/receivers/0`)).body).toEqual(receivers[0]);

    const batches = await getJson(`${base}/batches`);
    expect(batches.body).toEqual(retained.map(expectedBatch).reverse());
    expect((await getJson(`${base}/batches?status=COMPLETED`)).body).toEqual(batches.body);
    expect((await getJson(`${base}/batches?status=QUEUED&status=PROCESSING`)).body).toEqual([]);
    expect((await getJson(`${base}/batches?status=DONE`)).status).toBe(400);

    const failedBatch = completed[1]!;
    expect(failedBatch.batchTime).toBe(2000);
    // Batch 2 s is no longer retained (3 of 5 are); batch 4 s is.
    expect((await getJson(`${base}/batches/2000`)).status).toBe(404);
    const one = await getJson(`${base}/batches/4000`);
    expect(one.body).toEqual(expectedBatch(completed[3]!));
    const ops = (await getJson(`${base}/batches/4000/operations`)).body;
    expect(ops).toEqual(
      completed[3]!.outputOperationInfos.map((op) => ({
        outputOpId: op.id,
        name: op.name,
        description: op.description,
        startTime: sparkDate(op.startTime!),
        endTime: sparkDate(op.endTime!),
        duration: op.endTime! - op.startTime!,
        jobIds: [],
      })),
    );
    expect((await getJson(`${base}/batches/4000/operations/1`)).body).toEqual(ops[1]);

    for (const path of [`${base}/batches/123`, `${base}/batches/4000/operations/9`, `${base}/receivers/7`, `${url}/api/v1/applications/app-nope/streaming/statistics`, `${base}/nothing`]) {
      const missing = await getJson(path);
      expect(missing.status, path).toBe(404);
      expect(missing.body.message, path).toEqual(expect.any(String));
    }

    // The page's feed carries the listener's own BatchInfo, and only what the page has not seen.
    const feed = (await getJson(`${url}/ui/state?since=0`)).body;
    expect(feed.completed).toEqual(retained);
    expect(feed.completedTotal).toBe(5);
    expect(feed.app).toMatchObject({ id: app.id, core, master: 'local[2]', batchDuration: 1000 });
    expect((await getJson(`${url}/ui/state?since=4`)).body.completed).toEqual(completed.slice(4));
    // Batches this small are counted in the main thread (the pool starts with the first larger one).
    if (core === 'wasm') expect(feed.pool).toEqual({ ...job.ssc.core.poolStats!(), threads: 2, restarts: 0 });
    else expect(feed.pool).toBeUndefined();
    const event = await firstEvent(`${url}/ui/events?since=3`);
    expect(event.completed).toEqual(completed.slice(3));

    const metrics = await (await fetch(`${url}/metrics`)).text();
    const metric = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(metric('flint_batches_completed_total')).toBe(5);
    expect(metric('flint_batches_failed_total')).toBe(1);
    expect(metric('flint_records_total')).toBe(stats.numProcessedRecords);
    expect(metric('flint_input_rate_records_per_second')).toBe(completed[4]!.numRecords);
    expect(metric('flint_processing_time_seconds_count')).toBe(5);
    expect(metric('flint_total_delay_seconds_sum')).toBeCloseTo(completed.reduce((n, b) => n + b.totalDelay!, 0) / 1000, 6);
    expect(metric('flint_receivers_active')).toBe(1);
    expect(metrics).toContain(`app="ui test ${core}"`);
    if (core === 'wasm') {
      expect(metric('flint_pool_threads')).toBe(2);
      expect(metric('flint_pool_worker_restarts_total')).toBe(0);
      // The pool's own count (batches this small are counted in the main thread, none on the pool).
      expect(metric('flint_pool_tasks_completed_total')).toBe(job.ssc.core.poolStats!().tasksCompleted);
      expect(metric('flint_blocks_counted_total')).toBeGreaterThanOrEqual(0);
    } else {
      expect(metrics).not.toContain('flint_pool_');
      expect(metrics).not.toContain('flint_blocks_counted_total');
    }
  });

  it('serves the page and its files, redirects / to it, refuses other files and writes; stops with the context', async () => {
    const job = await startUiJob(core, { batches: 1 });
    const { url } = job;
    const root = await fetch(url, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/streaming/']);
    const page = await fetch(`${url}/streaming/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Streaming Statistics');
    for (const file of ['streaming.js', 'streaming.css', 'uPlot.iife.min.js', 'uPlot.min.css']) {
      const res = await fetch(`${url}/static/${file}`);
      expect(res.status, file).toBe(200);
      expect((await res.text()).length, file).toBeGreaterThan(100);
    }
    expect((await fetch(`${url}/static/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${url}/static/index.ts`)).status).toBe(404);
    expect((await fetch(`${url}/api/v1/applications`, { method: 'POST' })).status).toBe(405);
    await job.ssc.stop();
    expect(job.ssc.uiWebUrl).toBeUndefined();
    await expect(fetch(`${url}/api/v1/applications`)).rejects.toThrow();
  });
});

/** Listens on `port` of 127.0.0.1 (0: any); resolves with the server. */
function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Occupies `count` consecutive ports, trying bases until every one of them could be taken. */
async function occupyRange(count: number): Promise<{ first: number; servers: Server[] }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const probe = await occupy(0);
    const first = (probe.address() as { port: number }).port;
    const servers = [probe];
    try {
      for (let p = first + 1; p < first + count; p++) servers.push(await occupy(p));
      return { first, servers };
    } catch {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  }
  throw new Error(`could not occupy ${count} consecutive ports`);
}

const closeAll = (servers: Server[]) => Promise.all(servers.map((s) => new Promise((r) => s.close(r))));

describe.each(CORES)('web UI metrics of stateful streams (%s core)', (core) => {
  it('flint_state_keys counts the keys updateStateByKey and mapWithState hold after their latest batch', async () => {
    const clock = new ManualClock(0);
    const dir = mkdtempSync(join(tmpdir(), 'flint-ui-state-'));
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock, ui: { port: 0 } });
    stops.push(async () => {
      await ssc.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    ssc.checkpoint(dir);
    const pairs = ssc.queueStream<[string, number]>([[['a', 1], ['b', 1]], [['c', 1]], [['a', 1]]]);
    // b leaves the state in the second batch, which has no value for it.
    pairs.updateStateByKey((values: number[], state: number | undefined, key: string) => (key === 'b' && values.length === 0 ? undefined : (state ?? 0) + values.length)).foreachRDD(() => undefined);
    pairs
      .mapWithState(StateSpec.function((_key: string, value: number | undefined, state: State<number>) => state.update((state.getOption() ?? 0) + (value ?? 0))))
      .foreachRDD(() => undefined);
    await ssc.start();
    const keys = async () => {
      const metrics = await (await fetch(`${ssc.uiWebUrl}/metrics`)).text();
      return [...metrics.matchAll(/^flint_state_keys\{stream="([^"]+)",[^}]*\} (\d+)$/gm)].map(([, stream, n]) => [stream, Number(n)]);
    };
    expect(await keys()).toEqual([]);
    await clock.advance(1000);
    expect(await keys()).toEqual([['StateDStream#0', 2], ['InternalMapWithStateDStream#1', 2]]);
    await clock.advance(2000);
    expect(await keys()).toEqual([['StateDStream#0', 2], ['InternalMapWithStateDStream#1', 3]]);
  });
});

describe('web UI metrics of events', () => {
  it('count checkpoints (duration histogram, bytes) and receiver errors by receiver, on a registry of their own', async () => {
    const progress = new StreamingJobProgressListener(10);
    const metrics = new StreamingMetrics('events', { progress, batchInterval: 1000 });
    const receiver = (name: string) => ({ streamId: 0, name, active: true, lastErrorMessage: 'bad line', lastError: '', lastErrorTime: 5, droppedRecords: 1 });
    metrics.onCheckpointCompleted({ checkpointInfo: { time: 1000, bytesWritten: 4096, durationMs: 30 } });
    metrics.onCheckpointCompleted({ checkpointInfo: { time: 2000, bytesWritten: 1024, durationMs: 3000 } });
    metrics.onReceiverError({ receiverInfo: receiver('SocketReceiver(a:1)') });
    metrics.onReceiverError({ receiverInfo: receiver('SocketReceiver(a:1)') });
    metrics.onReceiverError({ receiverInfo: receiver('stdin') });
    const text = await metrics.scrape();
    expect(text).toContain('flint_checkpoint_duration_seconds_count{app="events"} 2');
    expect(text).toContain('flint_checkpoint_duration_seconds_bucket{le="0.05",app="events"} 1');
    expect(text).toContain('flint_checkpoint_duration_seconds_bucket{le="5",app="events"} 2');
    expect(text).toContain('flint_checkpoint_written_bytes_total{app="events"} 5120');
    expect(text).toContain('flint_receiver_errors_total{receiver="SocketReceiver(a:1)",app="events"} 2');
    expect(text).toContain('flint_receiver_errors_total{receiver="stdin",app="events"} 1');
    // Not the global registry: a second context's metrics do not add up with these.
    expect(await new StreamingMetrics('other', { progress, batchInterval: 1000 }).scrape()).toContain('flint_checkpoint_written_bytes_total{app="other"} 0');
  });
});

describe('web UI port', () => {
  it('moves to the next free port when the asked one is taken, as Spark does', async () => {
    const { first, servers } = await occupyRange(2);
    stops.push(() => closeAll(servers));
    const ssc = new StreamingContext({ batchInterval: 1000, core: 'js', ui: { port: first } });
    ssc.queueStream([[1]]).foreachRDD(() => undefined);
    await ssc.start();
    stops.push(() => ssc.stop());
    const port = Number(new URL(ssc.uiWebUrl!).port);
    expect(port).toBeGreaterThanOrEqual(first + 2);
    expect(port).toBeLessThanOrEqual(first + 16);
    expect((await getJson(`${ssc.uiWebUrl}/api/v1/applications`)).status).toBe(200);
  });

  it('fails start() with UI_BIND_FAILED when the port and the 16 after it are taken', async () => {
    const { first, servers } = await occupyRange(17);
    stops.push(() => closeAll(servers));
    const ssc = new StreamingContext({ batchInterval: 1000, core: 'js', ui: { port: first } });
    ssc.queueStream([[1]]).foreachRDD(() => undefined);
    await expect(ssc.start()).rejects.toMatchObject({
      code: 'UI_BIND_FAILED',
      message: expect.stringContaining(`ports ${first} to ${first + 16}`),
    });
    expect(ssc.getState()).toBe('STOPPED');
  });

  it('checks the ui option up front', () => {
    expect(() => new StreamingContext({ batchInterval: 1000, ui: { port: 70000 } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('options.ui.port') }));
    expect(() => new StreamingContext({ batchInterval: 1000, ui: { retainedBatches: 0 } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(new StreamingContext({ batchInterval: 1000 }).uiWebUrl).toBeUndefined();
  });

  it('listens where `flint serve` says (FLINT_UI_HOST, FLINT_UI_PORT) unless the program turns the UI off', () => {
    const env = { FLINT_UI_HOST: '127.0.0.2', FLINT_UI_PORT: '4567' };
    expect(resolveUIOptions(undefined, env)).toEqual({ host: '127.0.0.2', port: 4567, retainedBatches: 1000 });
    expect(resolveUIOptions(true, env)).toEqual({ host: '127.0.0.2', port: 4567, retainedBatches: 1000 });
    expect(resolveUIOptions(false, env)).toBeUndefined();
    expect(resolveUIOptions({ port: 0 }, env)).toEqual({ host: '127.0.0.1', port: 0, retainedBatches: 1000 });
    expect(resolveUIOptions(undefined, {})).toBeUndefined();
  });
});

describe('web UI server', () => {
  it('answers a request that throws with 500 and goes on serving', async () => {
    let calls = 0;
    const server = new UIServer({
      api: () => {
        if (++calls === 1) throw new Error('broken resource');
        return { status: 200, body: [] };
      },
      page: () => {
        throw new Error('broken page');
      },
      metrics: () => Promise.reject(new Error('broken scrape')),
    });
    const port = await server.listen('127.0.0.1', 0);
    stops.push(() => server.close());
    const first = await getJson(`http://127.0.0.1:${port}/api/v1/applications`);
    expect(first).toEqual({ status: 500, body: { message: 'internal error: broken resource' } });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(500);
    expect((await fetch(`http://127.0.0.1:${port}/ui/state`)).status).toBe(500);
    expect(await getJson(`http://127.0.0.1:${port}/api/v1/applications`)).toEqual({ status: 200, body: [] });
  });
});

describe('worker pool counters', () => {
  it('count workers, finished tasks and the workers replaced after a crash', async () => {
    const pool = new WorkerPool(2);
    stops.push(() => pool.close());
    const crash: FailTask = { kind: 'fail', how: 'exit' };
    const trap: FailTask = { kind: 'fail', how: 'trap' };
    await expect(pool.run(trap)).rejects.toMatchObject({ code: 'JOB_FAILED' });
    expect(pool.stats()).toMatchObject({ threads: 2, workers: 2, tasksRunning: 0, tasksQueued: 0, tasksCompleted: 1, restarts: 0 });
    await expect(pool.run(crash)).rejects.toMatchObject({ code: 'JOB_FAILED' });
    await expect(pool.run(crash)).rejects.toMatchObject({ code: 'JOB_FAILED' });
    await vi.waitFor(() => expect(pool.stats()).toMatchObject({ workers: 2, restarts: 2 }));
  });
});

describe('flint CLI web UI', () => {
  it('prints the address of the UI, which serves the running job; --no-ui turns it off', async () => {
    const main = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
    const child = spawn(process.execPath, [main, 'wordcount', '--demo', '--rate', '2000', '--batch', '200ms', '--ui-port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    stops.push(async () => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    await vi.waitFor(() => expect(stderr).toMatch(/web UI at (http:\/\/127\.0\.0\.1:\d+)\/streaming\//), { timeout: 10_000 });
    const url = /web UI at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1]!;
    const [app] = (await getJson(`${url}/api/v1/applications`)).body;
    expect(app.name).toBe('flint wordcount');
    await vi.waitFor(async () => expect((await getJson(`${url}/api/v1/applications/${app.id}/streaming/statistics`)).body.numTotalCompletedBatches).toBeGreaterThan(0), { timeout: 10_000 });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);

    const off = spawn(process.execPath, [main, 'wordcount', '--demo', '--duration', '300ms', '--no-ui'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let offErr = '';
    off.stderr.on('data', (chunk) => (offErr += chunk));
    expect(await new Promise((resolve) => off.once('exit', resolve))).toBe(0);
    expect(offErr).not.toContain('web UI');
  });
});
