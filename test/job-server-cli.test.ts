// The job server's commands: parsing of `flint serve`, `submit`, `status` and `stop`; the client
// commands run in-process against a real server; and the built `flint` spawned for real (needs
// `npm run build:ts` first).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../src/cli/args.js';
import { flintHelp, jobsHelp, serveHelp } from '../src/cli/help.js';
import { runJobCommand } from '../src/cli/job-client.js';
import { freePort } from '../src/server/free-port.js';
import { CLIENT_FLAGS, SERVE_FLAGS, SUBMIT_FLAGS, type ServerCommand } from '../src/cli/server-args.js';
import { jobsDirectory, startServer, type TestServer } from './support/job-server.js';

const MAIN = new URL('../dist/src/cli/main.js', import.meta.url).pathname;
const NO_ENV = {};

const usageError = (argv: string[], env: NodeJS.ProcessEnv = NO_ENV): string => {
  try {
    parseCommandLine(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

describe('parsing the job server commands', () => {
  it('gives flint serve its safe defaults', () => {
    expect(parseCommandLine(['serve'], NO_ENV)).toEqual({ kind: 'serve', config: { host: '127.0.0.1', port: 8998, jobsDir: '.', stopTimeout: 15000 } });
  });

  it('reads every serve flag, and the token from FLINT_TOKEN', () => {
    const argv = ['serve', '--port', '0', '--host', '0.0.0.0', '--jobs-dir', 'jobs', '--token', 't', '--stop-timeout', '2s'];
    expect(parseCommandLine(argv, NO_ENV)).toEqual({ kind: 'serve', config: { host: '0.0.0.0', port: 0, jobsDir: 'jobs', token: 't', stopTimeout: 2000 } });
    expect(parseCommandLine(['serve'], { FLINT_TOKEN: 'from-env' })).toMatchObject({ config: { token: 'from-env' } });
    expect(parseCommandLine(['serve', '--token', 'flag'], { FLINT_TOKEN: 'env' })).toMatchObject({ config: { token: 'flag' } });
  });

  it('reads submit: the file first, flags, then the job arguments after --', () => {
    const command = parseCommandLine(['submit', 'job.js', '--server', 'http://h:1/', '--name', 'n', '--conf', '{"core":"js","n":2}', '--wait', '--', '--not-a-flag', 'x'], NO_ENV);
    expect(command).toEqual({
      kind: 'submit',
      client: { server: 'http://h:1' },
      file: 'job.js',
      args: ['--not-a-flag', 'x'],
      name: 'n',
      conf: { core: 'js', n: 2 },
      wait: true,
    });
    expect(parseCommandLine(['submit', 'job.js'], { FLINT_SERVER: 'http://s:2', FLINT_TOKEN: 'tk' })).toEqual({
      kind: 'submit',
      client: { server: 'http://s:2', token: 'tk' },
      file: 'job.js',
      args: [],
      wait: false,
    });
  });

  it('reads status and stop', () => {
    const client = { server: 'http://127.0.0.1:8998' };
    expect(parseCommandLine(['status'], NO_ENV)).toEqual({ kind: 'status', client });
    expect(parseCommandLine(['status', '4', '--token', 't'], NO_ENV)).toEqual({ kind: 'status', client: { ...client, token: 't' }, id: 4 });
    expect(parseCommandLine(['stop', '0'], NO_ENV)).toEqual({ kind: 'stop', client, id: 0 });
  });

  it('recognises help for each command', () => {
    expect(parseCommandLine(['serve', '--help'], NO_ENV)).toEqual({ kind: 'help', topic: 'serve' });
    expect(parseCommandLine(['submit', '-h'], NO_ENV)).toEqual({ kind: 'help', topic: 'jobs' });
    expect(parseCommandLine(['help', 'stop'], NO_ENV)).toEqual({ kind: 'help', topic: 'jobs' });
    expect(parseCommandLine(['help', 'serve'], NO_ENV)).toEqual({ kind: 'help', topic: 'serve' });
  });

  it.each([
    [['serve', '--port', '99999'], '--port must be a whole number from 0 to 65535, got "99999"'],
    [['serve', '--port', 'http'], '--port must be a whole number'],
    [['serve', '--stop-timeout', 'soon'], '--stop-timeout "soon" is not a duration'],
    [['serve', '--token', ''], '--token is empty'],
    [['serve', 'extra'], 'unexpected argument "extra"'],
    [['serve', '--wait'], 'unknown flag --wait'],
    [['submit'], 'flint submit needs the job file first'],
    [['submit', '--wait', 'job.js'], 'unexpected argument "job.js"'],
    [['submit', 'job.js', '--conf', '[1]'], '--conf must be a JSON object'],
    [['submit', 'job.js', '--conf', '{bad'], '--conf must be a JSON object'],
    [['submit', 'job.js', '--server', 'localhost:8998'], '--server "localhost:8998" must be an http:// or https:// URL'],
    [['submit', 'job.js', '--server', 'not a url'], '--server "not a url" is not a URL'],
    [['stop'], 'flint stop needs the batch id'],
    [['stop', 'x1'], '"x1" is not a batch id'],
    [['status', '1', '--wait'], 'unknown flag --wait'],
    [['status', '--', 'a'], 'flint status takes no job arguments after --'],
  ])('rejects %j with a message naming the fix', (argv, message) => {
    const text = usageError(argv);
    expect(text).toContain(message);
    expect(text).not.toContain('\n');
  });

  it('rejects an empty FLINT_TOKEN for serve', () => {
    expect(usageError(['serve'], { FLINT_TOKEN: '' })).toContain('--token is empty');
  });

  it('documents every flag and command in help', () => {
    for (const flag of Object.keys(SERVE_FLAGS)) expect(serveHelp()).toContain(`--${flag}`);
    for (const flag of Object.keys({ ...CLIENT_FLAGS, ...SUBMIT_FLAGS })) expect(jobsHelp()).toContain(`--${flag}`);
    for (const command of ['serve', 'submit', 'status', 'stop']) expect(flintHelp()).toMatch(new RegExp(`^  ${command} `, 'm'));
    for (const name of ['FLINT_CONF', 'FLINT_UI_PORT', 'FLINT_UI_HOST', 'FLINT_APP_NAME', 'FLINT_APP_ID', 'FLINT_BATCH_ID']) expect(serveHelp()).toContain(name);
  });
});

/** Captures what a client command writes. */
function capture(): { out: { write(text: string): boolean }; err: { write(text: string): boolean }; text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return { text, out: { write: (t) => ((text.out += t), true) }, err: { write: (t) => ((text.err += t), true) } };
}

describe('flint submit, status and stop against a server', () => {
  const jobs = jobsDirectory();
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer({ jobsDir: jobs.dir, token: 'tk' });
  });
  afterAll(async () => {
    await api.server.close();
    jobs.remove();
  });

  const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const command = parseCommandLine(argv, { FLINT_SERVER: api.url, FLINT_TOKEN: 'tk' }) as Extract<ServerCommand, { kind: 'submit' | 'status' | 'stop' }>;
    const io = capture();
    const code = await runJobCommand(command, { ...io, pollInterval: 20 });
    return { code, ...io.text };
  };

  it('submit --wait prints the job log and exits 0 when it succeeds, 1 when it does not', async () => {
    const ok = await run(['submit', 'count-job.mjs', '--conf', '{"core":"js","batches":2}', '--name', 'cli', '--wait', '--', 'a b a']);
    expect(ok.code).toBe(0);
    const lines = ok.out.split('\n');
    const id = Number(lines[0]);
    // Empty batches a loaded machine may add before the graceful stop are left out (see job-server.test.ts).
    expect(lines.filter((line) => line.startsWith('counts ') && line !== 'counts []')).toEqual(['counts [["a",2],["b",1]]', 'counts [["a",2],["b",1]]']);
    expect(ok.err).toContain(`batch ${id} submitted`);
    expect(ok.err).toContain(`batch ${id} success\n`);
    const failed = await run(['submit', 'fail-job.mjs', '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('about to fail\n');
    expect(failed.err).toMatch(/batch \d+ dead\n/);
  });

  it('status lists the batches and shows one; stop stops one', async () => {
    const submitted = await run(['submit', 'forever-job.mjs', '--name', 'forever']);
    const id = Number(submitted.out.trim());
    await api.waitForLine(id, (line) => line === 'started');
    const list = await run(['status']);
    expect(list.code).toBe(0);
    expect(list.out.split('\n')[0]).toMatch(/^ID +STATE +NAME +FILE +UI$/);
    expect(list.out).toMatch(new RegExp(`^${id} +running +forever +forever-job\\.mjs +http://127\\.0\\.0\\.1:\\d+$`, 'm'));
    const one = await run(['status', String(id)]);
    expect(one.out).toMatch(new RegExp(`^id     ${id}\\nstate  running\\nname   forever\\nfile   forever-job\\.mjs\\n`));
    expect(one.out).toContain('  started\n');
    const stopped = await run(['stop', String(id)]);
    expect(stopped).toEqual({ code: 0, out: `batch ${id} killed\n`, err: '' });
  });

  it('turns a refusal or an unreachable server into a one-line UsageError', async () => {
    await expect(run(['status', '12345'])).rejects.toThrow(/^the job server refused GET \/batches\/12345 \(HTTP 404\): no batch 12345/);
    await expect(run(['submit', '../outside.mjs'])).rejects.toThrow('(HTTP 400): file "../outside.mjs" is outside the jobs directory');
    const noToken = parseCommandLine(['status'], { FLINT_SERVER: api.url }) as Extract<ServerCommand, { kind: 'status' }>;
    await expect(runJobCommand(noToken, capture())).rejects.toThrow('(HTTP 401): this server needs a token');
    const port = await freePort('127.0.0.1');
    const nowhere = parseCommandLine(['status', '--server', `http://127.0.0.1:${port}`], NO_ENV) as Extract<ServerCommand, { kind: 'status' }>;
    await expect(runJobCommand(nowhere, capture())).rejects.toThrow(`cannot reach the job server at http://127.0.0.1:${port} (ECONNREFUSED); start one with flint serve`);
  });
});

describe('the built flint serve and its clients, spawned', () => {
  it('serves jobs, answers the clients, refuses a wrong token, and stops on SIGTERM', async () => {
    const jobs = jobsDirectory();
    const serve = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--jobs-dir', jobs.dir], {
      env: { ...process.env, FLINT_TOKEN: 'spawned' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let err = '';
      serve.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      while (!/Livy batch API at (\S+)\/batches/.test(err)) {
        if (serve.exitCode !== null) throw new Error(`flint serve exited: ${err}`);
        await once(serve.stderr!, 'data');
      }
      const url = /Livy batch API at (\S+)\/batches/.exec(err)![1]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const flint = async (args: string[], token: string) => {
        const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, FLINT_SERVER: url, FLINT_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let cerr = '';
        child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr!.on('data', (c: Buffer) => (cerr += c.toString()));
        const [code] = await once(child, 'exit');
        return { code: code as number, out, err: cerr };
      };
      const submitted = await flint(['submit', 'count-job.mjs', '--conf', '{"core":"wasm","batches":2}', '--wait', '--', 'x y x'], 'spawned');
      expect(submitted.code).toBe(0);
      expect(submitted.out).toContain('counts [["x",2],["y",1]]\n');
      const status = await flint(['status', '0'], 'spawned');
      expect(status.out).toContain('state  success\n');
      const wrong = await flint(['status'], 'guess');
      expect(wrong.code).toBe(2);
      expect(wrong.err).toBe('flint: the job server refused GET /batches (HTTP 401): the bearer token is wrong; use the one flint serve was started with\n');
      serve.kill('SIGTERM');
      const [code] = await once(serve, 'exit');
      expect(code).toBe(0);
      expect(err).toContain('flint serve: stopping the running jobs\n');
    } finally {
      serve.kill('SIGKILL');
      jobs.remove();
    }
  });
});
