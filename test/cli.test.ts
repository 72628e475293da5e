// The flint CLI: argument parsing (pure), the word-count job run in-process on a ManualClock, the
// demo generator, and the built command spawned for real (needs `npm run build:ts` first).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError, type WordCountConfig } from '../src/cli/args.js';
import { DemoLines, demoVocabulary, ZipfSampler } from '../src/cli/demo-source.js';
import { flintHelp, wordCountHelp } from '../src/cli/help.js';
import { formatBytes, formatStatus, formatSummary } from '../src/cli/status.js';
import { runWordCount, startWordCount } from '../src/cli/wordcount.js';
import { formatBatch, Batch, ManualClock } from '../src/index.js';
import { sleep } from './support/sources-helpers.js';

const wordcount = (...args: string[]): WordCountConfig => {
  const command = parseCommandLine(['wordcount', ...args]);
  if (command.kind !== 'wordcount') throw new Error(`expected a wordcount command, got ${command.kind}`);
  return command.config;
};

const usageError = (argv: string[]): string => {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

describe('flint argument parsing', () => {
  it('applies the documented defaults', () => {
    expect(wordcount('--demo')).toEqual({
      input: { kind: 'demo', rate: 20000, seed: 42 },
      batch: 1000,
      top: 10,
      core: 'wasm',
      duration: 0,
      gracefulTimeout: 10000,
    });
  });

  it('reads every flag', () => {
    const config = wordcount(
      '--socket', 'example.org:9999', '--batch', '500ms', '--window', '30s', '--slide=5s',
      '--checkpoint', '/tmp/cp', '--top', '3', '--core', 'wasm', '--master', 'local[4]', '--duration', '1m',
      '--graceful-timeout', '2s', '--max-line-bytes', '1024',
    );
    expect(config).toEqual({
      input: { kind: 'socket', host: 'example.org', port: 9999 },
      batch: 500,
      window: { duration: 30000, slide: 5000 },
      checkpoint: '/tmp/cp',
      top: 3,
      core: 'wasm',
      master: 'local[4]',
      duration: 60000,
      gracefulTimeout: 2000,
      maxLineBytes: 1024,
    });
    expect(wordcount('--socket', '[::1]:7').input).toEqual({ kind: 'socket', host: '::1', port: 7 });
    expect(wordcount('--dir', 'in', '--window', '4s').window).toEqual({ duration: 4000, slide: 1000 });
    expect(wordcount('--demo', '--rate', '5', '--seed', '0').input).toEqual({ kind: 'demo', rate: 5, seed: 0 });
    expect(wordcount('--stdin').input).toEqual({ kind: 'stdin' });
  });

  it('reads the receiver limit flags; sizes take k, m and g (powers of 1024)', () => {
    expect(wordcount('--socket', 'h:1', '--max-rate', '5000', '--backpressure', '--max-buffered', '256m')).toMatchObject({
      maxRate: 5000,
      backpressure: true,
      maxBuffered: 256 * 1024 * 1024,
    });
    expect(wordcount('--stdin', '--max-buffered', '65536').maxBuffered).toBe(65536);
    expect(wordcount('--stdin', '--max-buffered', '512K').maxBuffered).toBe(512 * 1024);
    expect(wordcount('--stdin', '--max-buffered', '2gb').maxBuffered).toBe(2 * 1024 ** 3);
  });

  it('recognises help and version', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help', topic: 'flint' });
    expect(parseCommandLine(['-h'])).toEqual({ kind: 'help', topic: 'flint' });
    expect(parseCommandLine(['help', 'wordcount'])).toEqual({ kind: 'help', topic: 'wordcount' });
    expect(parseCommandLine(['wordcount', '--help'])).toEqual({ kind: 'help', topic: 'wordcount' });
    // Help wins over other flags, even incomplete ones: it is what someone stuck asks for.
    expect(parseCommandLine(['wordcount', '--demo', '-h'])).toEqual({ kind: 'help', topic: 'wordcount' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it.each([
    [[], 'no command given'],
    [['count'], 'unknown command "count"'],
    [['--demo'], '--demo must follow a command'],
    [['wordcount'], 'no input given; choose one input'],
    [['wordcount', '--demo', '--stdin'], '--stdin and --demo given together'],
    [['wordcount', '--demo', '--bogus'], 'unknown flag --bogus'],
    [['wordcount', '--demo', 'extra'], 'unexpected argument "extra"'],
    [['wordcount', '--demo', '--batch'], '--batch needs a value, e.g. --batch 1s'],
    [['wordcount', '--demo', '--batch', '--top', '3'], '--batch needs a value'],
    [['wordcount', '--demo', '--batch', 'soon'], '--batch "soon" is not a duration'],
    [['wordcount', '--demo', '--batch', '0'], '--batch must be longer than 0'],
    [['wordcount', '--demo', '--window', '2500ms'], '--window 2500ms (2500 ms) must be a multiple of --batch (1000 ms)'],
    [['wordcount', '--demo', '--window', '4s', '--slide', '1500ms'], '--slide 1500ms (1500 ms) must be a multiple of --batch'],
    [['wordcount', '--demo', '--slide', '2s'], '--slide needs --window'],
    [['wordcount', '--demo', '--checkpoint', 'cp'], '--checkpoint is only used with --window'],
    [['wordcount', '--demo', '--top', '0'], '--top must be a whole number of at least 1'],
    [['wordcount', '--demo', '--rate', '1.5'], '--rate must be a whole number'],
    [['wordcount', '--demo', '--seed', '-1'], '--seed must be a whole number'],
    [['wordcount', '--stdin', '--rate', '5'], '--rate only applies to --demo'],
    [['wordcount', '--demo', '--core', 'gpu'], '--core must be js or wasm'],
    [['wordcount', '--demo', '--master', 'yarn'], '--master "yarn" is not valid'],
    [['wordcount', '--socket', '9999'], '--socket "9999" is not HOST:PORT'],
    [['wordcount', '--socket', 'localhost:99999'], 'is not HOST:PORT'],
    [['wordcount', '--stdin=yes'], '--stdin takes no value'],
    [['wordcount', '--demo', '--top', '3', '--top', '4'], '--top is given twice'],
    [['wordcount', '--demo', '--max-rate', '0'], '--max-rate must be a whole number of at least 1, got "0"'],
    [['wordcount', '--demo', '--max-buffered', 'lots'], '--max-buffered must be a size of at least 1 byte such as 65536, 512k, 256m or 2g, got "lots"'],
    [['wordcount', '--demo', '--max-buffered', '0'], '--max-buffered must be a size of at least 1 byte'],
    [['wordcount', '--demo', '--backpressure=yes'], '--backpressure takes no value'],
    [['wordcount', '--dir', 'in', '--max-rate', '5'], '--max-rate does not apply to --dir (each batch reads its new files whole); drop it'],
    [['wordcount', '--demo', '--graceful-timeout', 'soon'], '--graceful-timeout "soon" is not a duration'],
    [['wordcount', '--stdin', '--max-line-bytes', '0'], '--max-line-bytes must be a whole number of at least 1'],
    [['wordcount', '--demo', '--max-line-bytes', '100'], '--max-line-bytes applies to --socket, --dir and --stdin'],
  ])('rejects %j with a message naming the flag and the fix', (argv, message) => {
    const text = usageError(argv);
    expect(text).toContain(message);
    expect(text).not.toContain('\n');
  });

  it('documents every flag in help', () => {
    const help = wordCountHelp();
    const flags = ['socket', 'dir', 'stdin', 'demo', 'rate', 'seed', 'batch', 'window', 'slide', 'checkpoint', 'top', 'core', 'master', 'duration', 'graceful-timeout', 'max-line-bytes'];
    for (const flag of [...flags, 'max-rate', 'backpressure', 'max-buffered', 'help']) {
      expect(help).toContain(`--${flag}`);
    }
    // The bound of a stop is part of the contract.
    expect(help).toContain('--duration D ends the job by about D + --graceful-timeout');
    expect(help).toContain('A second Ctrl-C or SIGTERM exits at once');
    expect(flintHelp()).toContain('wordcount');
  });
});

describe('demo source', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(new DemoLines({ seed: 1 }).take(50)).toEqual(new DemoLines({ seed: 1 }).take(50));
    expect(new DemoLines({ seed: 1 }).take(50)).not.toEqual(new DemoLines({ seed: 2 }).take(50));
    for (const line of new DemoLines().take(100)) {
      const n = line.split(' ').length;
      expect(n).toBeGreaterThanOrEqual(5);
      expect(n).toBeLessThanOrEqual(12);
    }
  });

  it('draws ranks with Zipf frequencies', () => {
    const sampler = new ZipfSampler(1000);
    const counts = new Array<number>(1000).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[sampler.sample((i + 0.5) / n)]!++;
    // With exponent 1, rank r has 1/r of rank 1's frequency; a stratified draw is nearly exact.
    expect(counts[0]! / counts[1]!).toBeCloseTo(2, 1);
    expect(counts[0]! / counts[9]!).toBeCloseTo(10, 0);
    expect(sampler.sample(0)).toBe(0);
    expect(sampler.sample(0.999999999)).toBe(999);
  });

  it('has distinct words, common English first', () => {
    const vocabulary = demoVocabulary(10_000);
    expect(new Set(vocabulary).size).toBe(10_000);
    expect(vocabulary.slice(0, 3)).toEqual(['the', 'of', 'and']);
  });
});

describe('status and summary', () => {
  it('formats a batch status and the summary', () => {
    const info = { batchTime: 2000, numRecords: 1500, submissionTime: 2000, schedulingDelay: 3, processingDelay: 42, outputOperationInfos: [] };
    expect(formatStatus(info, 500)).toBe('input 3,000 records/s | processing 42 ms | scheduling delay 3 ms');
    expect(formatSummary({ batches: 10, records: 200_000, words: 1_700_000, elapsedMs: 10_000 })).toBe(
      'flint: 10 batches, 200,000 records, 1,700,000 words in 10.0 s (170,000 words/s)\n',
    );
    expect(formatSummary({ batches: 1, records: 1, words: 1, elapsedMs: 0 })).toBe('flint: 1 batch, 1 record, 1 word in 0.0 s (0 words/s)\n');
  });

  it('formats byte counts for people', () => {
    expect([16, 65536, 64 * 1024 ** 2, 1.5 * 1024 ** 3, 1536].map(formatBytes)).toEqual(['16 bytes', '64 KiB', '64 MiB', '1.5 GiB', '1.5 KiB']);
  });
});

/** A TextOutput that remembers what was written. */
function sink(): { write(text: string): void; text: () => string } {
  let all = '';
  return { write: (text: string) => void (all += text), text: () => all };
}

/** Lets stream 'data' events reach the receiver before the next batch is cut. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const printed = (time: number, pairs: [string, number][], top = 10): string => formatBatch(Batch.of(pairs), time, top);

describe('wordcount job on a manual clock', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function runBatches(config: WordCountConfig, batches: string[], statusLine = false) {
    const clock = new ManualClock(0);
    const stdin = new PassThrough();
    const out = sink();
    const err = sink();
    const job = await startWordCount(config, { out, err, clock, stdin, statusLine });
    for (const text of batches) {
      stdin.write(text);
      await flush();
      await clock.advance(config.batch);
    }
    return { out, err, job, stdin, summary: await job.stop() };
  }

  it('prints each batch top words by count, then word, in Spark format, and sums up', async () => {
    const { out, summary } = await runBatches(wordcount('--stdin', '--top', '2'), ['b a c a\nb\n', 'z y\ny x\n', '']);
    expect(out.text()).toBe(
      printed(1000, [['a', 2], ['b', 2], ['c', 1]], 2) + printed(2000, [['y', 2], ['x', 1], ['z', 1]], 2) + printed(3000, [], 2),
    );
    expect(out.text()).toContain('(a,2)\n(b,2)\n...\n');
    expect(summary).toEqual({ batches: 3, records: 4, words: 9, elapsedMs: 3000 });
  });

  it('counts over an incremental window and drops words back at 0', async () => {
    const checkpoint = mkdtempSync(join(tmpdir(), 'flint-cli-test-'));
    dirs.push(checkpoint);
    const config = wordcount('--stdin', '--window', '2s', '--checkpoint', join(checkpoint, 'cp'));
    const { out, summary } = await runBatches(config, ['a b\n', 'b\n', '', '']);
    expect(out.text()).toBe(
      printed(1000, [['a', 1], ['b', 1]]) + printed(2000, [['b', 2], ['a', 1]]) + printed(3000, [['b', 1]]) + printed(4000, []),
    );
    // Words are counted once, in the batch they arrived in, not once per window.
    expect(summary.words).toBe(3);
    expect(existsSync(join(checkpoint, 'cp'))).toBe(true);
  });

  it('with --checkpoint, a job started again goes on from its last checkpoint, window intact', async () => {
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'flint-cli-test-')), 'cp');
    dirs.push(dirname(checkpoint));
    const config = wordcount('--stdin', '--window', '2s', '--checkpoint', checkpoint);
    await runBatches(config, ['a b\n', 'b\n']);
    const clock = new ManualClock(2000);
    const stdin = new PassThrough();
    const out = sink();
    const job = await startWordCount(config, { out, err: sink(), clock, stdin });
    stdin.write('c\n');
    await flush();
    await clock.advance(1000);
    await job.stop();
    // The window at 3 s holds the batch at 2 s, counted by the first run.
    expect(out.text()).toBe(printed(3000, [['b', 1], ['c', 1]]));
  });

  it('draws a status line on the error output when asked, and erases it before printing', async () => {
    const { err } = await runBatches(wordcount('--stdin'), ['a\n', 'b\n'], true);
    expect(err.text()).toContain('\r\x1b[2Kinput 1 records/s | processing 0 ms | scheduling delay 0 ms');
    expect(err.text().endsWith('\r\x1b[2K')).toBe(true);
  });

  it('reports the end of stdin, and runWordCount stops there with a summary, counting every line', async () => {
    const clock = new ManualClock(0);
    const stdin = new PassThrough();
    const out = sink();
    const err = sink();
    // A finite input is counted whole, whatever --graceful-timeout says: the stop waits for the
    // batch that takes the last line, however long that takes.
    const exit = runWordCount(wordcount('--stdin', '--graceful-timeout', '0ms'), { out, err, clock, stdin });
    await flush();
    stdin.end('to be or not to be\n');
    await flush();
    await clock.advance(1000);
    expect(await exit).toBe(0);
    expect(out.text()).toBe(printed(1000, [['be', 2], ['to', 2], ['not', 1], ['or', 1]]));
    expect(err.text()).toBe('flint: 1 batch, 1 record, 6 words in 1.0 s (6 words/s)\n');
  });

  it.each([
    ['a plain abort (a signal) stops it, exit 0', undefined, 0, 'flint: 0 batches'],
    [
      'an abort with an error (stdout failing) fails it, exit 1',
      new Error('cannot write to standard output: ENOSPC: no space left on device, write'),
      1,
      'flint: the job failed: cannot write to standard output: ENOSPC',
    ],
  ])('stops when the abort signal fires: %s', async (_name, reason, status, text) => {
    const controller = new AbortController();
    const err = sink();
    const exit = runWordCount(wordcount('--stdin'), { out: sink(), err, clock: new ManualClock(0), stdin: new PassThrough() }, controller.signal);
    await flush();
    controller.abort(reason);
    expect(await exit).toBe(status);
    expect(err.text()).toContain(text);
  });

  it('skips lines over --max-line-bytes and says so', async () => {
    const { out, err } = await runBatches(wordcount('--stdin', '--max-line-bytes', '4'), ['abc\ntoolong\nok\n']);
    expect(out.text()).toBe(printed(1000, [['abc', 1], ['ok', 1]]));
    expect(err.text()).toContain('line longer than maxLineBytes (4 bytes) from the input skipped (1 line skipped so far)');
    expect(err.text()).toContain('--max-line-bytes');
  });

  it('fails with exit status 1 when reading the input fails', async () => {
    const stdin = new PassThrough();
    const err = sink();
    const exit = runWordCount(wordcount('--stdin'), { out: sink(), err, clock: new ManualClock(0), stdin });
    await flush();
    stdin.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    expect(await exit).toBe(1);
    expect(err.text()).toContain('flint: the job failed: cannot read standard input: EIO: i/o error, read\n');
  });

  it('reads stdin at most --max-rate lines per second, and passes the limits to the context', async () => {
    const config = wordcount('--stdin', '--max-rate', '2', '--backpressure', '--max-buffered', '1m');
    const { out, summary, job } = await runBatches(config, ['a\nb\nc\nd\ne\n', '', '']);
    expect(out.text()).toBe(printed(1000, [['a', 1], ['b', 1]]) + printed(2000, [['c', 1], ['d', 1]]) + printed(3000, [['e', 1]]));
    expect(summary.records).toBe(5);
    expect(job.ssc.receiverLimits).toMatchObject({ receiverMaxRate: 2, backpressure: true });
    expect(job.ssc.receiverLimits.budget.maxBytes).toBe(1024 * 1024);
  });

  it('says once that the input is paused at --max-buffered, and still counts everything', async () => {
    const { err, summary } = await runBatches(wordcount('--stdin', '--max-buffered', '16'), ['a b c d e f g h\n', 'i j\n', 'k l m n o p q r s\n', '']);
    expect(err.text()).toContain(
      'flint: input paused: 16 bytes received and not yet processed (--max-buffered); reading resumes as batches finish (further pauses are not reported)\n',
    );
    expect(err.text().match(/input paused/g)).toHaveLength(1);
    expect(summary.words).toBe(19);
  });

  it('prints the same batches on the js and the wasm core, with and without a window', async () => {
    const text = ['the cat sat on the mat\nthe end\n', 'a cat\n', '', 'héllo wörld héllo\n'];
    for (const window of [[], ['--window', '2s']]) {
      const outputs: string[] = [];
      for (const core of ['js', 'wasm']) {
        const config = wordcount('--stdin', '--core', core, '--master', 'local[2]', ...window);
        const { out } = await runBatches(config, text);
        outputs.push(out.text());
      }
      expect(outputs[1]).toBe(outputs[0]);
      expect(outputs[0]).toContain('(the,3)');
    }
  });
});

describe('the built flint command', () => {
  const main = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');

  beforeAll(() => {
    if (!existsSync(main)) throw new Error(`${main} is missing; run npm run build:ts first`);
  });

  interface FlintRun {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }

  /**
   * Runs the built command. `afterFirstOutput` is called once the first batch is printed (to send
   * signals, say); `stdin`/`stdout` may be file descriptors instead of pipes.
   */
  function flint(
    args: string[],
    options: { input?: string; keepStdinOpen?: boolean; afterFirstOutput?: (child: ChildProcess) => void; stdin?: number; stdout?: number } = {},
  ) {
    // The web UI (on by default) adds its address to stderr, which these tests match exactly;
    // test/ui-cli.test.ts runs the command with it.
    const argv = args[0] === 'wordcount' && !args.includes('--ui-port') ? [...args, '--no-ui'] : args;
    return new Promise<FlintRun>((resolve, reject) => {
      const child = spawn(process.execPath, [main, ...argv], { stdio: [options.stdin ?? 'pipe', options.stdout ?? 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let called = false;
      child.stdout?.on('data', (chunk) => {
        stdout += chunk;
        if (options.afterFirstOutput && !called && stdout.includes('Time:')) {
          called = true;
          options.afterFirstOutput(child);
        }
      });
      child.stderr?.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
      if (options.input !== undefined) {
        if (options.keepStdinOpen) child.stdin?.write(options.input);
        else child.stdin?.end(options.input);
      }
    });
  }

  it('counts piped stdin and exits 0 with a summary', async () => {
    const { code, stdout, stderr } = await flint(['wordcount', '--stdin', '--batch', '200ms', '--duration', '1s'], { input: 'a b a\nb c\n' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^-{43}\nTime: \d+ ms\n-{43}\n\(a,2\)\n\(b,2\)\n\(c,1\)\n\n/m);
    expect(stderr).toMatch(/^flint: \d+ batch(es)?, 2 records, 5 words in \d+\.\d s/);
    // stderr is not a terminal here, so there is no status line.
    expect(stderr).not.toContain('records/s');
  });

  it('runs the demo for its duration', async () => {
    const { code, stdout, stderr } = await flint(['wordcount', '--demo', '--rate', '2000', '--batch', '200ms', '--duration', '1s', '--top', '3']);
    expect(code).toBe(0);
    expect(stdout).toContain('(the,');
    expect(stderr).toMatch(/^flint: \d+ batches, [\d,]+ records, [\d,]+ words in \d+\.\d s/);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stops gracefully on %s and exits 0', async (signal) => {
    // One signal only: a second one would make flint exit at once, by design.
    const { code, stderr } = await flint(['wordcount', '--demo', '--rate', '1000', '--batch', '100ms'], { afterFirstOutput: (child) => child.kill(signal) });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^flint: \d+ batch/);
  });

  it('exits at once on a second signal while the graceful stop is still waiting', async () => {
    // A line written after the first batch waits for the next one, a second later; the graceful
    // stop waits for that batch, and the second SIGTERM, well before it, must end the process by
    // the signal's default action.
    const run = await flint(['wordcount', '--stdin', '--batch', '1s', '--graceful-timeout', '1m'], {
      input: 'a\n',
      keepStdinOpen: true,
      afterFirstOutput: (child) => {
        child.stdin?.write('b\n');
        void sleep(100)
          .then(() => child.kill('SIGTERM'))
          .then(() => sleep(50))
          .then(() => child.kill('SIGTERM'));
      },
    });
    expect(run.signal).toBe('SIGTERM');
    expect(run.stderr).not.toMatch(/flint: \d+ batch/);
  });

  it('ends a --duration run with a long --batch within --graceful-timeout, dropping what no batch took', async () => {
    const { code, stderr } = await flint(['wordcount', '--stdin', '--batch', '1h', '--duration', '500ms', '--graceful-timeout', '500ms'], {
      input: 'a b\n',
      keepStdinOpen: true,
    });
    expect(code).toBe(0);
    expect(stderr).toContain('flint: the graceful stop ran out of time before a batch took the data received last; that data is dropped\n');
    expect(stderr).toMatch(/flint: 0 batches, 0 records, 0 words in \d+\.\d s/);
  });

  it.runIf(devFullIsFull())('reports a full disk on stdout in one line and exits 1', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const { code, stderr } = await flint(['wordcount', '--stdin', '--batch', '200ms', '--duration', '1s'], { input: 'a b\n', stdout: full });
      expect(code).toBe(1);
      expect(stderr).toContain('flint: the job failed: cannot write to standard output: ENOSPC: no space left on device, write\n');
      expect(stderr).not.toMatch(/^\s+at /m);
    } finally {
      closeSync(full);
    }
  });

  it.runIf(process.platform !== 'win32')('reports a directory given as standard input and exits 1', async () => {
    const dir = openSync(tmpdir(), 'r');
    try {
      const { code, stderr } = await flint(['wordcount', '--stdin', '--duration', '5s'], { stdin: dir });
      expect(code).toBe(1);
      expect(stderr).toContain('flint: the job failed: cannot read standard input: EISDIR: illegal operation on a directory, read\n');
    } finally {
      closeSync(dir);
    }
  });

  it.runIf(process.platform === 'linux')('rejects a checkpoint directory that cannot be made, such as /proc/nope, at once', async () => {
    const { code, stderr } = await flint(['wordcount', '--demo', '--window', '2s', '--checkpoint', '/proc/nope']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^flint: checkpoint directory "\/proc\/nope" cannot be created or written \(ENOENT[^\n]*\n$/);
  });

  it('prints help and exits 0', async () => {
    const top = await flint(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toBe(flintHelp());
    const sub = await flint(['wordcount', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toBe(wordCountHelp());
  });

  it('rejects a bad flag with one line and exit status 2', async () => {
    const { code, stdout, stderr } = await flint(['wordcount', '--demo', '--batch', 'fast']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('flint: --batch "fast" is not a duration; write it like 500ms, 1s, 30s, 5m or 1h\n');
  });

  it('runs on the wasm core and exits 0 after the duration', async () => {
    const { code, stdout, stderr } = await flint(['wordcount', '--stdin', '--core', 'wasm', '--batch', '200ms', '--duration', '1s'], {
      input: 'to be or not to be\n',
    });
    expect(code).toBe(0);
    expect(stdout).toContain('(be,2)');
    expect(stderr).toMatch(/flint: \d+ batch/);
  });
});

// Linux's /dev/full fails every write with ENOSPC; a sandbox may lack it or let writes through.
function devFullIsFull(): boolean {
  if (process.platform !== 'linux' || !existsSync('/dev/full')) return false;
  const fd = openSync('/dev/full', 'w');
  try {
    writeSync(fd, 'x');
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOSPC';
  } finally {
    closeSync(fd);
  }
}
