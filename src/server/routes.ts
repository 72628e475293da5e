// Livy's batch API over a job registry: one handler per route, and the table that maps a method
// and path to it (404 for an unknown path, 405 with `Allow` for a known path and another method).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BatchJob } from './batch-job.js';
import { HttpError, sendJson } from './http.js';

/** What the handlers need from the server. */
export interface BatchApi {
  /** Reads, checks and starts the batch a POST body asks for. */
  submit(req: IncomingMessage): Promise<BatchJob>;
  /** The job with `id`, if the server still knows it. */
  job(id: number): BatchJob | undefined;
  /** Up to `size` jobs from index `from`. */
  page(from: number, size: number): { from: number; total: number; jobs: BatchJob[] };
  /** Stops a running job (resolves once it ended) or forgets a finished one. */
  remove(job: BatchJob): Promise<void>;
  /** Longest page of log lines. */
  readonly maxLogLines: number;
}

type Handler = (api: BatchApi, req: IncomingMessage, res: ServerResponse, url: URL, id: number) => Promise<void>;

/** Default page sizes, as Livy's. */
const DEFAULT_SESSIONS = 100;
const DEFAULT_LOG_LINES = 100;

const ROUTES: { pattern: RegExp; methods: Record<string, Handler> }[] = [
  { pattern: /^\/batches\/?$/, methods: { GET: listBatches, POST: createBatch } },
  { pattern: /^\/batches\/([^/]+)\/?$/, methods: { GET: getBatch, DELETE: deleteBatch } },
  { pattern: /^\/batches\/([^/]+)\/state\/?$/, methods: { GET: getState } },
  { pattern: /^\/batches\/([^/]+)\/log\/?$/, methods: { GET: getLog } },
];

/** Answers one request from the table; throws {@link HttpError} for anything refused. */
export async function handle(api: BatchApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://flint');
  for (const { pattern, methods } of ROUTES) {
    const match = pattern.exec(url.pathname);
    if (!match) continue;
    const handler = methods[req.method ?? ''];
    if (!handler) {
      throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}; use ${Object.keys(methods).join(' or ')}`, { Allow: Object.keys(methods).join(', ') });
    }
    return handler(api, req, res, url, match[1] === undefined ? -1 : batchId(match[1]));
  }
  throw new HttpError(404, `no route ${url.pathname}; the API is /batches, /batches/{id}, /batches/{id}/state and /batches/{id}/log`);
}

async function listBatches(api: BatchApi, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const from = intParam(url, 'from', 0);
  const size = intParam(url, 'size', DEFAULT_SESSIONS);
  const page = api.page(from, size);
  sendJson(res, 200, { from: page.from, total: page.total, sessions: page.jobs.map((job) => job.view()) });
}

async function createBatch(api: BatchApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const job = await api.submit(req);
  sendJson(res, 201, job.view(), { Location: `/batches/${job.id}` });
}

async function getBatch(api: BatchApi, _req: IncomingMessage, res: ServerResponse, _url: URL, id: number): Promise<void> {
  sendJson(res, 200, found(api, id).view());
}

async function getState(api: BatchApi, _req: IncomingMessage, res: ServerResponse, _url: URL, id: number): Promise<void> {
  sendJson(res, 200, { id, state: found(api, id).state });
}

async function getLog(api: BatchApi, _req: IncomingMessage, res: ServerResponse, url: URL, id: number): Promise<void> {
  const job = found(api, id);
  const from = url.searchParams.has('from') ? intParam(url, 'from', 0) : undefined;
  const size = Math.min(intParam(url, 'size', DEFAULT_LOG_LINES), api.maxLogLines);
  sendJson(res, 200, { id, ...job.log.page(from, size) });
}

async function deleteBatch(api: BatchApi, _req: IncomingMessage, res: ServerResponse, _url: URL, id: number): Promise<void> {
  const job = found(api, id);
  await api.remove(job);
  sendJson(res, 200, { msg: 'deleted', id, state: job.state });
}

function found(api: BatchApi, id: number): BatchJob {
  const job = api.job(id);
  if (!job) throw new HttpError(404, `no batch ${id}: it never existed, was deleted, or left the history of finished batches`);
  return job;
}

function batchId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id)) throw new HttpError(404, `no batch "${text}": batch ids are whole numbers`);
  return id;
}

function intParam(url: URL, name: string, fallback: number): number {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new HttpError(400, `query parameter ${name} must be a whole number of at least 0, got "${text}"`);
  return n;
}
