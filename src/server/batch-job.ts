// One batch job (Livy's batch session): a job module run by `node` as a child process, its state,
// and its log. The server's own safety rests here: every failure of the child (it cannot start,
// it crashes, it floods its output) ends in a state, never in an exception in the server.
import { spawn, type ChildProcess } from 'node:child_process';
import { LogBuffer, type LogBufferOptions } from './log-buffer.js';

/** Livy's batch states that a Flint job goes through. */
export type BatchState = 'starting' | 'running' | 'success' | 'dead' | 'killed';

/** What a client asked to run (the checked body of `POST /batches`). */
export interface BatchRequest {
  /** The job module, as the client named it (relative to the jobs directory). */
  file: string;
  args: string[];
  name: string | null;
  conf: Record<string, string>;
}

/** How the server runs a job. */
export interface LaunchSpec {
  /** Real path of the job module. */
  path: string;
  /** Working directory of the child (the jobs directory). */
  cwd: string;
  /** The child's whole environment. */
  env: NodeJS.ProcessEnv;
  /** Address of the job's web UI, reported as `appInfo.sparkUiUrl`. */
  uiUrl: string;
  /** Longest wait between SIGTERM and SIGKILL when the job is stopped, in ms. */
  stopTimeout: number;
  log?: LogBufferOptions;
}

/** Livy's batch object, as `GET /batches/{id}` answers it. */
export interface BatchView {
  id: number;
  name: string | null;
  owner: null;
  proxyUser: null;
  state: BatchState;
  appId: string;
  appInfo: { driverLogUrl: null; sparkUiUrl: string };
  /** The last lines of the log (all of it: `GET /batches/{id}/log`). */
  log: string[];
  /** Flint's additions: the job file as submitted, its arguments and how its process ended. */
  file: string;
  args: string[];
  exitCode: number | null;
  signal: string | null;
}

/** Lines of the log in a batch object, as Livy shows. */
const VIEW_LOG_LINES = 10;
/** How long the output pipes may stay open after the process exited (a grandchild holding them). */
const PIPE_GRACE_MS = 1000;

/** A job run as a child process, from `starting` to `success`, `dead` or `killed`. */
export class BatchJob {
  state: BatchState = 'starting';
  readonly log: LogBuffer;
  exitCode: number | null = null;
  signal: NodeJS.Signals | null = null;
  private readonly child: ChildProcess | undefined;
  private stopRequested = false;
  private readonly ended: Promise<void>;
  private markEnded!: () => void;

  constructor(
    readonly id: number,
    readonly appId: string,
    readonly request: BatchRequest,
    private readonly spec: LaunchSpec,
  ) {
    this.log = new LogBuffer(spec.log);
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    this.child = this.launch();
  }

  /** True once the job is in a final state. */
  get finished(): boolean {
    return this.state === 'success' || this.state === 'dead' || this.state === 'killed';
  }

  /** Resolves when the job reached its final state. */
  whenEnded(): Promise<void> {
    return this.ended;
  }

  /**
   * Stops the job: SIGTERM (a context with `stopGracefullyOnShutdown` then stops gracefully and
   * exits), SIGKILL if it is still alive after the stop timeout. Resolves when it has ended; its
   * state is then `killed`, whatever its exit code. A finished job stays as it was.
   */
  stop(): Promise<void> {
    if (this.finished || this.stopRequested) return this.ended;
    this.stopRequested = true;
    this.log.append(`flint serve: stopping the job (SIGTERM, SIGKILL after ${this.spec.stopTimeout} ms)`);
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.log.append('flint serve: the job did not stop in time; SIGKILL');
      this.child!.kill('SIGKILL');
    }, this.spec.stopTimeout);
    timer.unref();
    return this.ended.finally(() => clearTimeout(timer));
  }

  /** Livy's batch object. */
  view(): BatchView {
    return {
      id: this.id,
      name: this.request.name,
      owner: null,
      proxyUser: null,
      state: this.state,
      appId: this.appId,
      appInfo: { driverLogUrl: null, sparkUiUrl: this.spec.uiUrl },
      log: this.log.tail(VIEW_LOG_LINES),
      file: this.request.file,
      args: this.request.args,
      exitCode: this.exitCode,
      signal: this.signal,
    };
  }

  private launch(): ChildProcess | undefined {
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [this.spec.path, ...this.request.args], {
        cwd: this.spec.cwd,
        env: this.spec.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      this.finish('dead', `flint serve: the job could not start: ${(error as Error).message}`);
      return undefined;
    }
    const out = this.log.stream();
    const err = this.log.stream();
    child.stdout!.on('data', (chunk: Buffer) => out.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.write(chunk));
    child.once('spawn', () => {
      if (this.state === 'starting') this.state = 'running';
    });
    child.once('error', (error) => {
      // 'error' without 'spawn' is a failed start; after it, a failed kill, which 'exit' follows.
      if (child.pid === undefined) this.finish('dead', `flint serve: the job could not start: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      this.exitCode = code;
      this.signal = signal;
      // Normally 'close' follows once the pipes are drained; a grandchild that inherited them
      // could hold them open forever, so they are closed after a grace period.
      setTimeout(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
      }, PIPE_GRACE_MS).unref();
    });
    child.once('close', () => {
      out.end();
      err.end();
      if (this.stopRequested) this.finish('killed');
      else this.finish(this.exitCode === 0 ? 'success' : 'dead', this.exitNotice());
    });
    return child;
  }

  private exitNotice(): string | undefined {
    if (this.exitCode === 0) return undefined;
    return this.signal ? `flint serve: the job was ended by ${this.signal}` : `flint serve: the job exited with status ${this.exitCode}`;
  }

  private finish(state: BatchState, notice?: string): void {
    if (this.finished) return;
    if (notice) this.log.append(notice);
    this.state = state;
    this.markEnded();
  }
}
