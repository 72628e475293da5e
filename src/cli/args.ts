// Command-line parsing for `flint`: pure functions from argv to a checked configuration, so every
// mistake is caught before anything starts and reported in one line naming the flag and the fix.
import { parseArgs } from 'node:util';
import type { CoreName } from '../core/core.js';
import { FlintError } from '../errors.js';
import { parseDuration } from '../streaming/duration.js';
import { parseMaster } from '../streaming/master.js';
import { parseServerCommand, SERVER_COMMANDS, type ServerCommand } from './server-args.js';

/** A command-line mistake; `flint` prints its message and exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One flag: its parseArgs type, the placeholder shown in help and the help line. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Placeholder of the value in help, e.g. `HOST:PORT`; string flags only. */
  value?: string;
  /** An example value, used in "needs a value" errors. */
  example?: string;
  help: string;
}

/** The flags of `flint wordcount`, in the order help lists them. */
export const WORDCOUNT_FLAGS: Readonly<Record<string, FlagSpec>> = {
  socket: { type: 'string', value: 'HOST:PORT', example: 'localhost:9999', help: 'read lines from a TCP server (start one with: nc -lk 9999)' },
  dir: { type: 'string', value: 'DIR', example: 'incoming', help: 'read the text files moved into DIR after the start' },
  stdin: { type: 'boolean', help: 'read lines from standard input; stops at the end of the input' },
  demo: { type: 'boolean', help: 'generate Zipf-distributed words in-process (no server needed)' },
  rate: { type: 'string', value: 'N', example: '20000', help: 'demo lines per second (default 20000)' },
  seed: { type: 'string', value: 'N', example: '42', help: 'demo generator seed; same seed, same lines (default 42)' },
  batch: { type: 'string', value: 'DURATION', example: '1s', help: 'batch interval (default 1s)' },
  window: { type: 'string', value: 'DURATION', example: '30s', help: 'count over a sliding window this long (a multiple of --batch)' },
  slide: { type: 'string', value: 'DURATION', example: '5s', help: 'how often the window moves (default: --batch; a multiple of --batch)' },
  checkpoint: { type: 'string', value: 'DIR', example: '/tmp/flint-checkpoint', help: 'checkpoint directory for --window; started again on it, the job goes on from its last checkpoint (default: a temporary one)' },
  top: { type: 'string', value: 'N', example: '10', help: 'words printed per batch (default 10)' },
  core: { type: 'string', value: 'js|wasm', example: 'js', help: 'engine core (default wasm: kernels on a worker pool; js: pure TypeScript)' },
  master: { type: 'string', value: 'MASTER', example: 'local[4]', help: "local, local[n] or local[*]: partitions of each shuffle (default local[*])" },
  duration: { type: 'string', value: 'DURATION', example: '10s', help: 'stop gracefully after this long (see below); 0 runs until Ctrl-C (default 0)' },
  'graceful-timeout': {
    type: 'string',
    value: 'DURATION',
    example: '30s',
    help: 'longest a stop on Ctrl-C, SIGTERM or --duration waits for received data to be processed; the rest is dropped (default 10s)',
  },
  'max-line-bytes': { type: 'string', value: 'N', example: '1048576', help: 'longest line read, in bytes; longer ones are skipped and reported (default 67108864: 64 MiB)' },
  'max-rate': { type: 'string', value: 'N', example: '100000', help: 'read at most N lines per second (default: no limit)' },
  backpressure: { type: 'boolean', help: "adapt the reading rate to the processing speed (Spark's PID rate estimator)" },
  'max-buffered': {
    type: 'string',
    value: 'BYTES',
    example: '256m',
    help: 'stop reading while this much input awaits processing, e.g. 256m (default: 1/64 of the heap)',
  },
  'ui-port': { type: 'string', value: 'N', example: '4040', help: 'port of the web UI (default 4040; the next free one when taken; 0: any free port)' },
  'no-ui': { type: 'boolean', help: 'do not serve the web UI (Streaming page, REST API and /metrics)' },
  help: { type: 'boolean', help: 'show this help' },
};

/** Where `flint wordcount` reads lines from. */
export type InputSpec =
  | { kind: 'socket'; host: string; port: number }
  | { kind: 'dir'; directory: string }
  | { kind: 'stdin' }
  | { kind: 'demo'; rate: number; seed: number };

/** A checked `flint wordcount` configuration; durations in ms. */
export interface WordCountConfig {
  input: InputSpec;
  batch: number;
  /** Set with `--window`: an incremental window of `duration` ms moving every `slide` ms. */
  window?: { duration: number; slide: number };
  checkpoint?: string;
  top: number;
  core: CoreName;
  master?: string;
  /** 0 runs until stopped. */
  duration: number;
  /** `--max-rate`: lines per second the input is read at, at most. */
  maxRate?: number;
  /** `--backpressure`: the reading rate follows the processing speed. */
  backpressure?: true;
  /** `--max-buffered`: bytes of input awaiting processing at which reading stops. */
  maxBuffered?: number;
  /** Longest wait of a graceful stop, in ms. */
  gracefulTimeout: number;
  /** Longest line read by --socket, --dir or --stdin (default: the sources' 64 MiB). */
  maxLineBytes?: number;
  /** `--ui-port N` (`{ port }`) or `--no-ui` (`false`); absent, the command's default applies. */
  ui?: { port: number } | false;
}

/** What the command line asks for. */
export type Command =
  | { kind: 'help'; topic: 'flint' | 'wordcount' | 'serve' | 'jobs' }
  | { kind: 'version' }
  | { kind: 'wordcount'; config: WordCountConfig }
  | ServerCommand;

/**
 * Parses `argv` (without `node` and the script); throws {@link UsageError} on any mistake. `env`
 * gives the job server commands their defaults (FLINT_TOKEN, FLINT_SERVER).
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Command {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') return { kind: 'help', topic: 'flint' };
  if (command === 'help') return { kind: 'help', topic: helpTopic(rest[0]) };
  if (command === '--version') return { kind: 'version' };
  if (command === 'wordcount') {
    const flags = parseFlags(rest, WORDCOUNT_FLAGS, 'flint wordcount --help');
    return flags.has('help') ? { kind: 'help', topic: 'wordcount' } : { kind: 'wordcount', config: wordCountConfig(flags) };
  }
  if ((SERVER_COMMANDS as readonly string[]).includes(command!)) return parseServerCommand(command!, rest, env);
  if (command === undefined) throw new UsageError('no command given; try: flint wordcount --demo (or flint --help)');
  if (command.startsWith('-')) throw new UsageError(`${command} must follow a command; try: flint wordcount --demo ${command}`);
  throw new UsageError(`unknown command "${command}"; the commands are wordcount, ${SERVER_COMMANDS.join(', ')} (see flint --help)`);
}

type Flags = Map<string, string | true>;

function helpTopic(command: string | undefined): 'flint' | 'wordcount' | 'serve' | 'jobs' {
  if (command === 'wordcount' || command === 'serve') return command;
  return command === 'submit' || command === 'status' || command === 'stop' ? 'jobs' : 'flint';
}

/** Tokenizes with node's parseArgs, then checks each token so errors name the flag as typed. */
export function parseFlags(args: readonly string[], specs: Readonly<Record<string, FlagSpec>>, helpHint: string): Flags {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [name, name === 'help' ? { type: s.type, short: 'h' } : { type: s.type }]),
  );
  // Non-strict, so that unknown flags and missing values reach the checks below as tokens.
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const flags: Flags = new Map();
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') throw new UsageError(`unexpected argument "${token.value}"; flags start with -- (see ${helpHint})`);
    const spec = specs[token.name];
    if (!spec) throw new UsageError(`unknown flag ${token.rawName} (see ${helpHint} for the flags)`);
    if (flags.has(token.name)) throw new UsageError(`${token.rawName} is given twice; keep one`);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value; write just ${token.rawName}`);
      flags.set(token.name, true);
    } else {
      // parseArgs takes the next argument as the value even when it is the next flag.
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
        throw new UsageError(`${token.rawName} needs a value, e.g. ${token.rawName} ${spec.example ?? spec.value}`);
      }
      flags.set(token.name, token.value);
    }
  }
  return flags;
}

const INPUTS = ['socket', 'dir', 'stdin', 'demo'] as const;

/** Builds and cross-checks a wordcount configuration from parsed flags. */
export function wordCountConfig(flags: Flags): WordCountConfig {
  const text = (name: string): string | undefined => flags.get(name) as string | undefined;
  const batch = durationFlag('--batch', text('batch') ?? '1s', true);
  const config: WordCountConfig = {
    input: inputSpec(flags),
    batch,
    top: positiveInt('--top', text('top') ?? '10'),
    core: coreFlag(text('core') ?? 'wasm'),
    duration: durationFlag('--duration', text('duration') ?? '0', false),
    gracefulTimeout: durationFlag('--graceful-timeout', text('graceful-timeout') ?? '10s', false),
  };
  const master = text('master');
  if (master !== undefined) config.master = masterFlag(master);
  const ui = uiFlags(text('ui-port'), flags.has('no-ui'));
  if (ui !== undefined) config.ui = ui;
  Object.assign(config, receiverFlags(flags, config.input));
  const maxLineBytes = text('max-line-bytes');
  if (maxLineBytes !== undefined) {
    if (config.input.kind === 'demo') throw new UsageError('--max-line-bytes applies to --socket, --dir and --stdin; drop it with --demo');
    config.maxLineBytes = positiveInt('--max-line-bytes', maxLineBytes);
  }
  const window = text('window');
  const slide = text('slide');
  const checkpoint = text('checkpoint');
  if (window === undefined) {
    if (slide !== undefined) throw new UsageError('--slide needs --window; add e.g. --window 30s');
    if (checkpoint !== undefined) throw new UsageError('--checkpoint is only used with --window; add e.g. --window 30s or drop --checkpoint');
    return config;
  }
  config.window = {
    duration: multipleOfBatch('--window', window, batch),
    slide: slide === undefined ? batch : multipleOfBatch('--slide', slide, batch),
  };
  if (checkpoint !== undefined) config.checkpoint = checkpoint;
  return config;
}

// --max-rate, --backpressure and --max-buffered: they limit receivers, which --dir has none of.
function receiverFlags(flags: Flags, input: InputSpec): Pick<WordCountConfig, 'maxRate' | 'backpressure' | 'maxBuffered'> {
  const given = ['max-rate', 'backpressure', 'max-buffered'].filter((name) => flags.has(name));
  if (input.kind === 'dir' && given.length > 0) {
    throw new UsageError(`--${given[0]} does not apply to --dir (each batch reads its new files whole); drop it`);
  }
  const maxRate = flags.get('max-rate') as string | undefined;
  const maxBuffered = flags.get('max-buffered') as string | undefined;
  return {
    ...(maxRate !== undefined && { maxRate: positiveInt('--max-rate', maxRate) }),
    ...(flags.has('backpressure') && { backpressure: true as const }),
    ...(maxBuffered !== undefined && { maxBuffered: byteSize('--max-buffered', maxBuffered) }),
  };
}

function uiFlags(port: string | undefined, off: boolean): { port: number } | false | undefined {
  if (port !== undefined && off) throw new UsageError('--ui-port and --no-ui contradict each other; keep one');
  if (off) return false;
  if (port === undefined) return undefined;
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535) throw new UsageError(`--ui-port must be a port number from 0 to 65535 (0: any free port), got "${port}"`);
  return { port: n };
}

const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Parses a size such as `65536`, `512k`, `256m` or `2g` (binary units: k = 1024 bytes). */
export function byteSize(flag: string, value: string): number {
  const match = /^(\d+)([kmg]?)b?$/i.exec(value);
  const bytes = match ? Number(match[1]) * BYTE_UNITS[match[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new UsageError(`${flag} must be a size of at least 1 byte such as 65536, 512k, 256m or 2g, got "${value}"`);
  }
  return bytes;
}

function inputSpec(flags: Flags): InputSpec {
  const given = INPUTS.filter((name) => flags.has(name));
  if (given.length !== 1) {
    const what = given.length === 0 ? 'no input given' : `${given.map((g) => `--${g}`).join(' and ')} given together`;
    throw new UsageError(`${what}; choose one input: --socket HOST:PORT, --dir DIR, --stdin or --demo`);
  }
  for (const name of ['rate', 'seed']) {
    if (flags.has(name) && given[0] !== 'demo') throw new UsageError(`--${name} only applies to --demo; drop it or use --demo`);
  }
  const value = flags.get(given[0]!) as string;
  switch (given[0]!) {
    case 'socket':
      return socketFlag(value);
    case 'dir':
      return { kind: 'dir', directory: value };
    case 'stdin':
      return { kind: 'stdin' };
    case 'demo':
      return {
        kind: 'demo',
        rate: positiveInt('--rate', (flags.get('rate') as string | undefined) ?? '20000'),
        seed: nonNegativeInt('--seed', (flags.get('seed') as string | undefined) ?? '42'),
      };
  }
}

/** Parses `--socket HOST:PORT`; the port is after the last colon, so `[::1]:9999` works too. */
export function socketFlag(value: string): InputSpec {
  const colon = value.lastIndexOf(':');
  const host = value.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(value.slice(colon + 1));
  if (colon <= 0 || host === '' || /\s/.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`--socket "${value}" is not HOST:PORT; write e.g. --socket localhost:9999`);
  }
  return { kind: 'socket', host, port };
}

export function durationFlag(flag: string, value: string, positive: boolean): number {
  let ms: number;
  try {
    // Flint's parser names the flag (passed as `what`) and says how to write a duration.
    ms = parseDuration(value, flag);
  } catch (error) {
    throw error instanceof FlintError ? new UsageError(error.message) : error;
  }
  if (positive && ms === 0) throw new UsageError(`${flag} must be longer than 0; write e.g. ${flag} 1s`);
  return ms;
}

function multipleOfBatch(flag: string, value: string, batch: number): number {
  const ms = durationFlag(flag, value, true);
  if (ms % batch !== 0) {
    throw new UsageError(`${flag} ${value} (${ms} ms) must be a multiple of --batch (${batch} ms); e.g. ${flag} ${Math.max(1, Math.round(ms / batch)) * batch}ms`);
  }
  return ms;
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || !Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a whole number of at least 1, got "${value}"`);
  return n;
}

function nonNegativeInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 0xffffffff) throw new UsageError(`${flag} must be a whole number from 0 to 4294967295, got "${value}"`);
  return n;
}

function coreFlag(value: string): CoreName {
  if (value !== 'js' && value !== 'wasm') throw new UsageError(`--core must be js or wasm, got "${value}"`);
  return value;
}

function masterFlag(value: string): string {
  try {
    parseMaster(value);
  } catch {
    throw new UsageError(`--master "${value}" is not valid; use local, local[n] with n >= 1, or local[*]`);
  }
  return value;
}
