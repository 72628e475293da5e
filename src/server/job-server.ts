// The job server (`flint serve`): Livy's batch API over HTTP, running each submitted job module as
// a child process. Safe by default: it listens on 127.0.0.1, runs only files inside its jobs
// directory, can require a bearer token, caps request bodies, and survives whatever a job does.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlintError } from '../errors.js';
import { BearerAuth } from './auth.js';
import { BatchJob } from './batch-job.js';
import { batchRequest } from './batch-request.js';
import { readJsonBody } from './body.js';
import { freePort } from './free-port.js';
import { checkHost } from './host-guard.js';
import { HttpError, sendError } from './http.js';
import { jobEnv } from './job-env.js';
import { JobRegistry } from './job-registry.js';
import { PathGuard } from './path-guard.js';
import { handle, type BatchApi } from './routes.js';

/** Options of a {@link JobServer}. */
export interface JobServerOptions {
  /** The directory whose job modules (.js, .mjs, .cjs) clients may run; nothing outside it runs. */
  jobsDir: string;
  /** Address to listen on (default `127.0.0.1`: only this machine). */
  host?: string;
  /** Port (default 8998, Livy's; 0 picks a free one). */
  port?: number;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Longest request body, in bytes (default 65536). */
  maxBodyBytes?: number;
  /** Finished jobs remembered (default 100); older ones are forgotten first. */
  maxFinishedJobs?: number;
  /** Jobs running at once (default 16); a submit beyond gets 429. */
  maxRunningJobs?: number;
  /** Wait between SIGTERM and SIGKILL when a job is stopped, in ms (default 15000). */
  stopTimeout?: number;
  /** Log lines kept per job (default 1000). */
  logLines?: number;
  /** Environment the jobs inherit (default `process.env`; `FLINT_TOKEN` is never passed on). */
  env?: NodeJS.ProcessEnv;
}

/** A running job server; `listen()` it, `close()` it (which stops its jobs). */
export class JobServer {
  readonly host: string;
  private readonly options: Required<Omit<JobServerOptions, 'token' | 'host'>>;
  private readonly guard: PathGuard;
  private readonly auth: BearerAuth | undefined;
  private readonly registry: JobRegistry;
  private readonly server: Server;
  private readonly api: BatchApi;
  /** Start time in Spark's application-id form, `yyyyMMddHHmmss`. */
  private readonly startStamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);

  /** Checks the options; throws a `FlintError` naming the one that is wrong. */
  constructor(options: JobServerOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.options = {
      jobsDir: options.jobsDir,
      port: checkInt('port', options.port ?? 8998, 0, 65535),
      maxBodyBytes: checkInt('maxBodyBytes', options.maxBodyBytes ?? 65536, 1),
      maxFinishedJobs: checkInt('maxFinishedJobs', options.maxFinishedJobs ?? 100, 0),
      maxRunningJobs: checkInt('maxRunningJobs', options.maxRunningJobs ?? 16, 1),
      stopTimeout: checkInt('stopTimeout', options.stopTimeout ?? 15000, 0),
      logLines: checkInt('logLines', options.logLines ?? 1000, 1),
      env: options.env ?? process.env,
    };
    try {
      this.guard = new PathGuard(options.jobsDir);
    } catch (error) {
      throw new FlintError('INVALID_ARGUMENT', `the jobs directory "${options.jobsDir}" is not a readable directory (${(error as Error).message}); create it or pass another`);
    }
    if (options.token !== undefined && options.token.length === 0) {
      throw new FlintError('INVALID_ARGUMENT', 'the token is empty; pass a non-empty token or none');
    }
    this.auth = options.token === undefined ? undefined : new BearerAuth(options.token);
    this.registry = new JobRegistry(this.options.maxFinishedJobs);
    this.api = {
      submit: (req) => this.submit(req),
      job: (id) => this.registry.get(id),
      page: (from, size) => this.registry.page(from, size),
      remove: async (job) => {
        if (job.finished) this.registry.remove(job.id);
        else await job.stop();
      },
      maxLogLines: this.options.logLines,
    };
    this.server = createServer((req, res) => void this.respond(req, res));
  }

  /** Starts listening; resolves with the address (the port chosen when `port` was 0). */
  async listen(): Promise<{ host: string; port: number; url: string }> {
    this.server.listen(this.options.port, this.host);
    try {
      await Promise.race([once(this.server, 'listening'), once(this.server, 'error').then(([error]) => Promise.reject(error))]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL' && code !== 'EACCES') throw error;
      throw new FlintError('INVALID_ARGUMENT', `cannot listen on ${this.host} port ${this.options.port} (${code}); pass another port (0 picks a free one) or host`, { cause: error });
    }
    const { port } = this.server.address() as AddressInfo;
    const name = this.host.includes(':') ? `[${this.host}]` : this.host;
    return { host: this.host, port, url: `http://${name}:${port}` };
  }

  /** Stops every running job (SIGTERM, then SIGKILL after the stop timeout) and closes the server. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(this.registry.active().map((job) => job.stop()));
    this.server.closeAllConnections();
    await closed;
  }

  private async respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      checkHost(req.headers, this.host);
      this.auth?.check(req.headers);
      await handle(this.api, req, res);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError) return sendError(res, error);
      // A bug, not the client's doing: the client gets a 500, the operator the stack, and the
      // server keeps serving.
      process.stderr.write(`flint serve: internal error on ${req.method} ${req.url}: ${(error as Error)?.stack ?? String(error)}\n`);
      sendError(res, new HttpError(500, 'internal error in the job server; see its log'));
    }
  }

  private async submit(req: IncomingMessage): Promise<BatchJob> {
    const request = batchRequest(await readJsonBody(req, this.options.maxBodyBytes));
    const path = this.guard.resolve(request.file);
    const uiPort = await freePort(this.host);
    // Checked after the last await, so that concurrent submits cannot both pass it.
    if (this.registry.active().length >= this.options.maxRunningJobs) {
      throw new HttpError(429, `${this.options.maxRunningJobs} jobs are running, the most this server runs at once; stop one or wait`);
    }
    const id = this.registry.allocateId();
    const appId = `app-${this.startStamp}-${String(id).padStart(4, '0')}`;
    const uiHost = this.host.includes(':') ? `[${this.host}]` : this.host;
    const job = new BatchJob(id, appId, request, {
      path,
      cwd: this.guard.root,
      env: jobEnv(this.options.env, { id, appId, request, uiHost: this.host, uiPort }),
      uiUrl: `http://${uiHost}:${uiPort}`,
      stopTimeout: this.options.stopTimeout,
      log: { maxLines: this.options.logLines },
    });
    this.registry.add(job);
    return job;
  }
}

function checkInt(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FlintError('INVALID_ARGUMENT', `options.${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}
