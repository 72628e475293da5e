// Command-line parsing for the job server's commands: `flint serve` and its clients `flint
// submit`, `flint status` and `flint stop`. Pure functions from argv to a checked command.
import { durationFlag, parseFlags, UsageError, type FlagSpec } from './args.js';

/** The flags of `flint serve`, in the order help lists them. */
export const SERVE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  port: { type: 'string', value: 'PORT', example: '8998', help: "port to listen on (default 8998, Livy's; 0 picks a free one)" },
  host: { type: 'string', value: 'HOST', example: '127.0.0.1', help: 'address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface, with --token)' },
  'jobs-dir': { type: 'string', value: 'DIR', example: 'dist/jobs', help: 'the directory of job modules (.js, .mjs, .cjs) clients may run; nothing outside it runs (default: the current directory)' },
  token: { type: 'string', value: 'TOKEN', example: 's3cret', help: 'require Authorization: Bearer TOKEN on every request (default: $FLINT_TOKEN, else none)' },
  'stop-timeout': { type: 'string', value: 'DURATION', example: '15s', help: 'how long a stopped job may take to end after SIGTERM before SIGKILL (default 15s)' },
  help: { type: 'boolean', help: 'show this help' },
};

/** The flags shared by `flint submit`, `flint status` and `flint stop`. */
export const CLIENT_FLAGS: Readonly<Record<string, FlagSpec>> = {
  server: { type: 'string', value: 'URL', example: 'http://127.0.0.1:8998', help: 'the job server (default: $FLINT_SERVER, else http://127.0.0.1:8998)' },
  token: { type: 'string', value: 'TOKEN', example: 's3cret', help: 'bearer token of the server (default: $FLINT_TOKEN)' },
  help: { type: 'boolean', help: 'show this help' },
};

/** The further flags of `flint submit`. */
export const SUBMIT_FLAGS: Readonly<Record<string, FlagSpec>> = {
  name: { type: 'string', value: 'NAME', example: 'nightly', help: "the batch's name (the job sees it as FLINT_APP_NAME)" },
  conf: { type: 'string', value: 'JSON', example: '{"core":"js"}', help: 'settings for the job, a JSON object (the job reads FLINT_CONF)' },
  wait: { type: 'boolean', help: "print the job's log until it ends; exit 0 if it succeeded, 1 if not" },
};

/** A checked `flint serve` configuration; the stop timeout in ms. */
export interface ServeConfig {
  host: string;
  port: number;
  jobsDir: string;
  token?: string;
  stopTimeout: number;
}

/** Where the client commands find the server. */
export interface ClientConfig {
  server: string;
  token?: string;
}

/** A job server command. */
export type ServerCommand =
  | { kind: 'serve'; config: ServeConfig }
  | { kind: 'submit'; client: ClientConfig; file: string; args: string[]; name?: string; conf?: Record<string, unknown>; wait: boolean }
  | { kind: 'status'; client: ClientConfig; id?: number }
  | { kind: 'stop'; client: ClientConfig; id: number }
  | { kind: 'help'; topic: 'serve' | 'jobs' };

/** The commands this file parses. */
export const SERVER_COMMANDS = ['serve', 'submit', 'status', 'stop'] as const;

/** Parses a job server command (`command` is one of {@link SERVER_COMMANDS}); `env` gives defaults. */
export function parseServerCommand(command: string, rest: readonly string[], env: NodeJS.ProcessEnv): ServerCommand {
  if (command === 'serve') {
    const flags = parseFlags(rest, SERVE_FLAGS, 'flint serve --help');
    return flags.has('help') ? { kind: 'help', topic: 'serve' } : { kind: 'serve', config: serveConfig(flags, env) };
  }
  const hint = `flint ${command} --help`;
  const dash = rest.indexOf('--');
  const before = dash === -1 ? [...rest] : rest.slice(0, dash);
  const after = dash === -1 ? [] : rest.slice(dash + 1);
  if (before.includes('--help') || before.includes('-h')) return { kind: 'help', topic: 'jobs' };
  const positional = before[0] !== undefined && !before[0].startsWith('-') ? before[0] : undefined;
  const specs = command === 'submit' ? { ...CLIENT_FLAGS, ...SUBMIT_FLAGS } : CLIENT_FLAGS;
  const flags = parseFlags(positional === undefined ? before : before.slice(1), specs, hint);
  const client = clientConfig(flags, env);
  if (command === 'submit') {
    if (positional === undefined) throw new UsageError('flint submit needs the job file first, e.g. flint submit word-count-job.js -- arg1 arg2');
    const name = flags.get('name') as string | undefined;
    const conf = flags.get('conf') as string | undefined;
    return {
      kind: 'submit',
      client,
      file: positional,
      args: after,
      ...(name !== undefined && { name }),
      ...(conf !== undefined && { conf: confFlag(conf) }),
      wait: flags.has('wait'),
    };
  }
  if (after.length > 0) throw new UsageError(`flint ${command} takes no job arguments after --; drop them`);
  if (command === 'stop') {
    if (positional === undefined) throw new UsageError('flint stop needs the batch id, e.g. flint stop 3 (flint status lists them)');
    return { kind: 'stop', client, id: batchId(positional) };
  }
  return positional === undefined ? { kind: 'status', client } : { kind: 'status', client, id: batchId(positional) };
}

function serveConfig(flags: Map<string, string | true>, env: NodeJS.ProcessEnv): ServeConfig {
  const text = (name: string): string | undefined => flags.get(name) as string | undefined;
  const token = text('token') ?? env.FLINT_TOKEN;
  if (token === '') throw new UsageError('--token is empty; pass a token, or unset FLINT_TOKEN to serve without one');
  const port = Number(text('port') ?? '8998');
  if (!/^\d+$/.test(text('port') ?? '8998') || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${text('port')}"`);
  return {
    host: text('host') ?? '127.0.0.1',
    port,
    jobsDir: text('jobs-dir') ?? '.',
    ...(token !== undefined && { token }),
    stopTimeout: durationFlag('--stop-timeout', text('stop-timeout') ?? '15s', false),
  };
}

function clientConfig(flags: Map<string, string | true>, env: NodeJS.ProcessEnv): ClientConfig {
  const server = (flags.get('server') as string | undefined) ?? env.FLINT_SERVER ?? 'http://127.0.0.1:8998';
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server "${server}" is not a URL; write e.g. --server http://127.0.0.1:8998`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server "${server}" must be an http:// or https:// URL`);
  const token = (flags.get('token') as string | undefined) ?? env.FLINT_TOKEN;
  return { server: url.href.replace(/\/+$/, ''), ...(token !== undefined && token !== '' && { token }) };
}

function confFlag(text: string): Record<string, unknown> {
  let conf: unknown;
  try {
    conf = JSON.parse(text);
  } catch {
    conf = undefined;
  }
  if (typeof conf !== 'object' || conf === null || Array.isArray(conf)) {
    throw new UsageError(`--conf must be a JSON object, e.g. --conf '{"core":"js"}', got ${text}`);
  }
  return conf as Record<string, unknown>;
}

function batchId(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`"${text}" is not a batch id; ids are whole numbers (flint status lists them)`);
  return Number(text);
}
