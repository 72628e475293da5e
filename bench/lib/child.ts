// Benchmark child processes: every workload (and every peak-RSS measurement) runs in a Node
// process of its own, for a fresh heap and its own RSS. A child reads the run's configuration
// from BENCH_CONFIG and reports progress, log lines and its result to the parent over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { configFor, type BenchConfig } from './config.js';

/** What a child sends its parent. */
export type ChildMessage =
  | { kind: 'progress'; fraction: number | null; label: string }
  | { kind: 'log'; text: string }
  | { kind: 'result'; result: unknown };

/** The configuration the parent passed, or (run by hand) the full or BENCH_QUICK one. */
export function childConfig(): BenchConfig {
  const raw = process.env.BENCH_CONFIG;
  if (raw) return JSON.parse(raw) as BenchConfig;
  return configFor(process.env.BENCH_QUICK ? 'quick' : 'full');
}

function send(message: ChildMessage): void {
  if (process.send) process.send(message);
  else if (message.kind === 'progress') process.stderr.write(`  ${message.fraction === null ? '' : `[${(message.fraction * 100).toFixed(0)}%] `}${message.label}\n`);
  else if (message.kind === 'log') process.stderr.write(`${message.text}\n`);
  else process.stdout.write(`${JSON.stringify(message.result, null, 2)}\n`);
}

/** Tells the parent what this child is doing and how far it is (0 to 1; null: as before). */
export function progress(fraction: number | null, label: string): void {
  send({ kind: 'progress', fraction: fraction === null ? null : Math.max(0, Math.min(1, fraction)), label });
}

/** A line for the parent to print above its progress bar. */
export function log(text: string): void {
  send({ kind: 'log', text });
}

/** Sends the result; the process should end afterwards. */
export function finish(result: unknown): void {
  send({ kind: 'result', result });
}

/** Options of {@link runChild}. */
export interface ChildOptions {
  config: BenchConfig;
  args?: string[];
  /** V8 heap limit, MB (idiomatic JS on 200 MB needs several GB). */
  heapMb?: number;
  onProgress?: (fraction: number | null, label: string) => void;
  onLog?: (text: string) => void;
}

/** Starts `script` with the run's configuration, `--expose-gc`, the heap limit and an IPC channel. */
export function forkBench(script: string, options: Pick<ChildOptions, 'config' | 'args' | 'heapMb'>): ChildProcess {
  return fork(script, options.args ?? [], {
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(options.config) },
    execArgv: ['--expose-gc', ...(options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

/**
 * Runs `script` as a child process and resolves with the result it sends. Rejects when it exits
 * without one, with the end of its output in the message.
 */
export function runChild<R>(script: string, options: ChildOptions): Promise<R> {
  const child = forkBench(script, options);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let result: { value: R } | undefined;
  child.on('message', (message: ChildMessage) => {
    if (message.kind === 'progress') options.onProgress?.(message.fraction, message.label);
    else if (message.kind === 'log') options.onLog?.(message.text);
    else result = { value: message.result as R };
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result && code === 0) resolve(result.value);
      else reject(new Error(`${script} ${(options.args ?? []).join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.trim()}`));
    });
  });
}
