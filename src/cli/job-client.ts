// `flint submit`, `flint status` and `flint stop`: a small client of the job server's Livy API.
// Server refusals and an unreachable server become one-line UsageErrors (exit status 2).
import type { TextOutput } from '../dstream/operator.js';
import type { BatchView } from '../server/batch-job.js';
import { UsageError } from './args.js';
import type { ClientConfig, ServerCommand } from './server-args.js';

/** Where a client command writes. */
export interface ClientIO {
  out: TextOutput;
  err: TextOutput;
  /** How often `--wait` asks for new log lines, in ms (default 500). */
  pollInterval?: number;
}

/** Runs a client command; resolves with the exit status. */
export async function runJobCommand(command: Extract<ServerCommand, { kind: 'submit' | 'status' | 'stop' }>, io: ClientIO): Promise<number> {
  const api = new JobServerClient(command.client);
  switch (command.kind) {
    case 'submit': {
      const body = { file: command.file, args: command.args, ...(command.name !== undefined && { name: command.name }), ...(command.conf && { conf: command.conf }) };
      const batch = await api.request<BatchView>('POST', '/batches', body);
      io.err.write(`batch ${batch.id} submitted (${batch.state}); its UI: ${batch.appInfo.sparkUiUrl}\n`);
      io.out.write(`${batch.id}\n`);
      return command.wait ? followLog(api, batch.id, io) : 0;
    }
    case 'status':
      if (command.id === undefined) {
        const { sessions } = await api.request<{ sessions: BatchView[] }>('GET', '/batches');
        io.out.write(formatBatchTable(sessions));
      } else {
        io.out.write(formatBatch(await api.request<BatchView>('GET', `/batches/${command.id}`)));
      }
      return 0;
    case 'stop': {
      const { state } = await api.request<{ state: string }>('DELETE', `/batches/${command.id}`);
      io.out.write(`batch ${command.id} ${state}\n`);
      return 0;
    }
  }
}

/** Prints the job's log as it grows until the job ends; 0 if it succeeded, else 1. */
async function followLog(api: JobServerClient, id: number, io: ClientIO): Promise<number> {
  let from = 0;
  for (;;) {
    // The state is read before the log, so the last round prints every line the ended job wrote.
    const { state } = await api.request<{ state: string }>('GET', `/batches/${id}/state`);
    for (;;) {
      const page = await api.request<{ from: number; total: number; log: string[] }>('GET', `/batches/${id}/log?from=${from}&size=1000`);
      if (page.from > from) io.err.write(`flint: ${page.from - from} log lines were dropped before they could be read\n`);
      for (const line of page.log) io.out.write(`${line}\n`);
      from = page.from + page.log.length;
      if (from >= page.total) break;
    }
    if (state !== 'starting' && state !== 'running') {
      io.err.write(`batch ${id} ${state}\n`);
      return state === 'success' ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, io.pollInterval ?? 500));
  }
}

/** `flint status`: one line per batch. */
export function formatBatchTable(batches: readonly BatchView[]): string {
  if (batches.length === 0) return 'no batches\n';
  const rows = [['ID', 'STATE', 'NAME', 'FILE', 'UI'], ...batches.map((b) => [String(b.id), b.state, b.name ?? '-', b.file, b.appInfo.sparkUiUrl])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** `flint status ID`: the batch's fields, then its last log lines. */
export function formatBatch(b: BatchView): string {
  const exit = b.signal ? `signal ${b.signal}` : b.exitCode === null ? '-' : `status ${b.exitCode}`;
  const fields = [
    ['id', String(b.id)],
    ['state', b.state],
    ['name', b.name ?? '-'],
    ['file', [b.file, ...b.args].join(' ')],
    ['appId', b.appId],
    ['ui', b.appInfo.sparkUiUrl],
    ['exit', exit],
  ];
  const log = b.log.length === 0 ? '' : `last log lines:\n${b.log.map((line) => `  ${line}\n`).join('')}`;
  return fields.map(([k, v]) => `${k!.padEnd(6)} ${v}\n`).join('') + log;
}

/** JSON over HTTP to one job server, with its token. */
class JobServerClient {
  constructor(private readonly config: ClientConfig) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.config.token !== undefined) headers.authorization = `Bearer ${this.config.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.config.server}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new UsageError(`cannot reach the job server at ${this.config.server} (${cause?.code ?? cause?.message ?? (error as Error).message}); start one with flint serve, or pass --server URL`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError(`${this.config.server} answered ${method} ${path} with HTTP ${res.status} and no JSON; is it a flint job server?`);
    }
    if (!res.ok) throw new UsageError(`the job server refused ${method} ${path} (HTTP ${res.status}): ${(json as { msg?: string }).msg ?? text}`);
    return json as T;
  }
}
