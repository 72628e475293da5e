// The job server's batch API end to end: real job processes (a Flint StreamingContext on a
// queueStream on both cores, a job that throws, one that crashes, ones that run until stopped),
// every endpoint, Livy's shapes and states, the bounded log and history. Needs `npm run build:ts`.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BatchView } from '../src/index.js';
import { BatchJob } from '../src/server/batch-job.js';
import { LogBuffer } from '../src/server/log-buffer.js';
import { CORES } from './support/harness.js';
import { jobsDirectory, startServer, type TestServer } from './support/job-server.js';

const jobs = jobsDirectory();
let api: TestServer;
beforeAll(async () => {
  api = await startServer({ jobsDir: jobs.dir, token: 'test-token', env: { ...process.env, FLINT_TOKEN: 'must-not-leak' } });
});
afterAll(async () => {
  await api.server.close();
  jobs.remove();
});

/** Word counts of `args`, sorted by word, as the count job prints them. */
function expectedCounts(args: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const word of args.join(' ').split(/\s+/).filter(Boolean)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('a Flint job run by the job server', () => {
  it.each(CORES)('runs on the %s core from starting to success, with its args, conf and environment', async (core) => {
    const args = ['to be or', 'not to be'];
    const created = await api.call<BatchView>('POST', '/batches', { file: 'count-job.mjs', args, name: `count-${core}`, conf: { core, batches: 3 } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.headers.get('location')).toBe(`/batches/${id}`);
    expect(['starting', 'running']).toContain(created.body.state);
    expect(created.body).toMatchObject({ name: `count-${core}`, file: 'count-job.mjs', args, exitCode: null, owner: null, proxyUser: null });
    expect(created.body.appId).toMatch(new RegExp(`^app-\\d{14}-${String(id).padStart(4, '0')}$`));

    const done = await api.waitFor(id);
    expect(done.state).toBe('success');
    expect(done.exitCode).toBe(0);
    expect((await api.call('GET', `/batches/${id}/state`)).body).toEqual({ id, state: 'success' });

    const { body: log } = await api.call<{ log: string[] }>('GET', `/batches/${id}/log?from=0&size=100`);
    const counts = log.log.filter((line) => line.startsWith('counts ')).map((line) => JSON.parse(line.slice(7)));
    // Batches of real time (50 ms): on a loaded machine the graceful stop may also finish a batch
    // or two already due, which are empty. The queue's three batches come first, each counted.
    expect(counts.slice(0, 3)).toEqual([expectedCounts(args), expectedCounts(args), expectedCounts(args)]);
    expect(counts.slice(3)).toEqual(counts.slice(3).map(() => []));

    const env = JSON.parse(log.log.find((line) => line.startsWith('env '))!.slice(4));
    const ui = new URL(done.appInfo.sparkUiUrl);
    expect(env).toEqual({
      batchId: id,
      appId: done.appId,
      appName: `count-${core}`,
      conf: { core, batches: '3' },
      ui: { host: '127.0.0.1', port: Number(ui.port) },
      token: null,
      cwd: jobs.dir,
    });
    expect(ui.hostname).toBe('127.0.0.1');
    expect(done.appInfo.driverLogUrl).toBeNull();
  });

  it('marks a job that throws dead, with its stdout, stderr and error in the log', async () => {
    const { id } = await api.submit('fail-job.mjs');
    const done = await api.waitFor(id);
    expect(done).toMatchObject({ state: 'dead', exitCode: 1, signal: null });
    const { body } = await api.call<{ log: string[] }>('GET', `/batches/${id}/log?from=0&size=1000`);
    expect(body.log).toContain('about to fail');
    expect(body.log).toContain('on stderr');
    expect(body.log.join('\n')).toContain('Error: the job broke on purpose');
    expect(body.log.at(-1)).toBe('flint serve: the job exited with status 1');
  });

  it('marks a job killed by a signal dead, and keeps serving', async () => {
    const { id } = await api.submit('crash-job.mjs');
    const done = await api.waitFor(id);
    expect(done).toMatchObject({ state: 'dead', exitCode: null, signal: 'SIGKILL' });
    expect(done.log.at(-1)).toBe('flint serve: the job was ended by SIGKILL');
    expect((await api.call('GET', '/batches')).status).toBe(200);
  });

  it('DELETE stops a running Flint job gracefully with SIGTERM: state killed, exit status 0', async () => {
    const { id } = await api.submit('forever-job.mjs');
    await api.waitForLine(id, (line) => line === 'started');
    expect((await api.call('GET', `/batches/${id}/state`)).body).toEqual({ id, state: 'running' });
    const deleted = await api.call('DELETE', `/batches/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ msg: 'deleted', id, state: 'killed' });
    const after = (await api.call<BatchView>('GET', `/batches/${id}`)).body;
    expect(after).toMatchObject({ state: 'killed', exitCode: 0, signal: null });
  });

  it("a job's context serves its web UI at the address its batch reports (appInfo.sparkUiUrl)", async () => {
    const { id } = await api.submit('ui-job.mjs');
    await api.waitForLine(id, (line) => line.startsWith('started'));
    const { appInfo } = (await api.call<BatchView>('GET', `/batches/${id}`)).body;
    const log = (await api.call<{ log: string[] }>('GET', `/batches/${id}/log`)).body.log;
    expect(log).toEqual([`flint: web UI at ${appInfo.sparkUiUrl}/streaming/`, `started ${appInfo.sparkUiUrl}`]);
    const apps = (await (await fetch(`${appInfo.sparkUiUrl}/api/v1/applications`)).json()) as { name: string }[];
    expect(apps.map((a) => a.name)).toEqual(['ui-job']);
    await api.call('DELETE', `/batches/${id}`);
  });

  it('DELETE escalates to SIGKILL after the stop timeout when a job ignores SIGTERM', async () => {
    const quick = await startServer({ jobsDir: jobs.dir, stopTimeout: 300 });
    try {
      const { id } = await quick.submit('stubborn-job.mjs');
      await quick.waitForLine(id, (line) => line === 'started');
      const deleted = await quick.call('DELETE', `/batches/${id}`);
      expect(deleted.body).toEqual({ msg: 'deleted', id, state: 'killed' });
      const after = (await quick.call<BatchView>('GET', `/batches/${id}`)).body;
      expect(after).toMatchObject({ state: 'killed', exitCode: null, signal: 'SIGKILL' });
      expect(after.log).toContain('ignoring SIGTERM');
      expect(after.log).toContain('flint serve: the job did not stop in time; SIGKILL');
    } finally {
      await quick.server.close();
    }
  });

  it('DELETE of a finished batch forgets it, as Livy does', async () => {
    const { id } = await api.submit('fail-job.mjs');
    await api.waitFor(id);
    expect((await api.call('DELETE', `/batches/${id}`)).body).toEqual({ msg: 'deleted', id, state: 'dead' });
    const gone = await api.call('GET', `/batches/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.msg).toContain(`no batch ${id}`);
  });
});

describe('listing, logs and history', () => {
  let server: TestServer;
  afterEach(async () => server?.server.close());

  it('GET /batches pages like Livy: from, total and sessions, oldest first', async () => {
    server = await startServer({ jobsDir: jobs.dir });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await server.submit('fail-job.mjs', { name: `n${i}` })).id);
    expect(ids).toEqual([0, 1, 2]);
    for (const id of ids) await server.waitFor(id);
    const all = await server.call<{ from: number; total: number; sessions: BatchView[] }>('GET', '/batches');
    expect(all.body.from).toBe(0);
    expect(all.body.total).toBe(3);
    expect(all.body.sessions.map((s) => [s.id, s.name, s.state])).toEqual([[0, 'n0', 'dead'], [1, 'n1', 'dead'], [2, 'n2', 'dead']]);
    const page = await server.call<{ from: number; total: number; sessions: BatchView[] }>('GET', '/batches?from=1&size=1');
    expect(page.body.from).toBe(1);
    expect(page.body.total).toBe(3);
    expect(page.body.sessions.map((s) => s.id)).toEqual([1]);
  });

  it('bounds the log in lines and line length; pages it with from and size; survives a flood', async () => {
    server = await startServer({ jobsDir: jobs.dir, logLines: 50 });
    const lines = 20_000;
    const long = 100_000;
    const { id } = await server.submit('flood-job.mjs', { args: [String(lines), String(long)] });
    expect((await server.waitFor(id)).state).toBe('success');
    const total = lines + 1;
    const last = await server.call<{ id: number; from: number; total: number; log: string[] }>('GET', `/batches/${id}/log?size=3`);
    expect(last.body.id).toBe(id);
    expect(last.body.total).toBe(total);
    expect(last.body.from).toBe(total - 3);
    expect(last.body.log.slice(0, 2)).toEqual([`line ${lines - 2}`, `line ${lines - 1}`]);
    expect(last.body.log[2]).toBe(`${'x'.repeat(8192)} [line cut at 8192 characters]`);
    // Lines before the last 50 are gone: a page from 0 starts at the oldest kept.
    const early = await server.call<{ from: number; log: string[] }>('GET', `/batches/${id}/log?from=0&size=2`);
    expect(early.body).toMatchObject({ from: total - 50, log: [`line ${total - 50}`, `line ${total - 49}`] });
    const sized = await server.call<{ log: string[] }>('GET', `/batches/${id}/log?from=0&size=1000`);
    expect(sized.body.log).toHaveLength(50);
    const past = await server.call<{ from: number; log: string[] }>('GET', `/batches/${id}/log?from=${total + 5}`);
    expect(past.body).toMatchObject({ from: total, log: [] });
  });

  it('keeps a bounded history of finished batches, forgetting the oldest first', async () => {
    server = await startServer({ jobsDir: jobs.dir, maxFinishedJobs: 2 });
    for (let i = 0; i < 3; i++) await server.waitFor((await server.submit('fail-job.mjs')).id);
    const all = await server.call<{ total: number; sessions: BatchView[] }>('GET', '/batches');
    expect(all.body.sessions.map((s) => s.id)).toEqual([1, 2]);
    expect((await server.call('GET', '/batches/0')).status).toBe(404);
  });

  it('refuses a job beyond maxRunningJobs with 429, and takes one again when a slot frees', async () => {
    server = await startServer({ jobsDir: jobs.dir, maxRunningJobs: 1, stopTimeout: 300 });
    const { id } = await server.submit('stubborn-job.mjs');
    const refused = await server.call('POST', '/batches', { file: 'fail-job.mjs' });
    expect(refused.status).toBe(429);
    expect(refused.body.msg).toContain('1 jobs are running');
    await server.call('DELETE', `/batches/${id}`);
    expect((await server.call('POST', '/batches', { file: 'fail-job.mjs' })).status).toBe(201);
  });

  it('close() stops the running jobs before it resolves', async () => {
    server = await startServer({ jobsDir: jobs.dir });
    const { id } = await server.submit('forever-job.mjs');
    await server.waitForLine(id, (line) => line.startsWith('pid '));
    const { body } = await server.call<{ log: string[] }>('GET', `/batches/${id}/log?from=0`);
    const pid = Number(body.log.find((line) => line.startsWith('pid '))!.slice(4));
    expect(() => process.kill(pid, 0)).not.toThrow();
    await server.server.close();
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it("runs the README's example job, examples/jobs/word-count-job.ts, built", async () => {
    server = await startServer({ jobsDir: fileURLToPath(new URL('../dist/examples/jobs', import.meta.url)) });
    const { id } = await server.submit('word-count-job.js', { conf: { core: 'js', batches: 2 }, args: ['to be or not to be'] });
    expect((await server.waitFor(id)).state).toBe('success');
    const { body } = await server.call<{ log: string[] }>('GET', `/batches/${id}/log?from=0`);
    expect(body.log).toContain(`word-count-job: counting 2 batches on the js core (batch ${id})`);
    const printed = body.log.filter((line) => /^\(.*\)$/.test(line)).sort();
    expect(printed).toEqual(['(be,2)', '(be,2)', '(not,1)', '(not,1)', '(or,1)', '(or,1)', '(to,2)', '(to,2)']);
  });
});

describe('BatchJob', () => {
  it('is dead with the reason in its log when the process cannot start', async () => {
    const job = new BatchJob(0, 'app-0', { file: 'x.mjs', args: [], name: null, conf: {} }, {
      path: join(tmpdir(), 'x.mjs'),
      cwd: join(tmpdir(), 'flint-no-such-directory'),
      env: {},
      uiUrl: 'http://127.0.0.1:1',
      stopTimeout: 100,
    });
    await job.whenEnded();
    expect(job.state).toBe('dead');
    expect(job.log.tail(1)[0]).toMatch(/^flint serve: the job could not start: .*ENOENT/);
  });
});

describe('LogBuffer', () => {
  it('splits chunks into lines across chunk and UTF-8 boundaries, CRLF included', () => {
    const log = new LogBuffer();
    const out = log.stream();
    const bytes = Buffer.from('one\r\ntwo é\nthr', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of é
    out.write(bytes.subarray(0, cut));
    out.write(bytes.subarray(cut));
    out.write(Buffer.from('ee\n'));
    out.write(Buffer.from('no newline'));
    out.end();
    expect(log.page(0, 10)).toEqual({ from: 0, total: 4, log: ['one', 'two é', 'three', 'no newline'] });
  });

  it('cuts a long line once and skips the rest of it, however it arrives', () => {
    const log = new LogBuffer({ maxLineLength: 4 });
    const out = log.stream();
    for (const piece of ['ab', 'cdef', 'gh', 'ij\nok\n']) out.write(Buffer.from(piece));
    expect(log.page(0, 10).log).toEqual(['abcd [line cut at 4 characters]', 'ok']);
  });

  it('keeps the last maxLines lines and numbers lines over all written', () => {
    const log = new LogBuffer({ maxLines: 3 });
    for (let i = 0; i < 10; i++) log.append(`l${i}`);
    expect(log.page(undefined, 2)).toEqual({ from: 8, total: 10, log: ['l8', 'l9'] });
    expect(log.page(0, 10)).toEqual({ from: 7, total: 10, log: ['l7', 'l8', 'l9'] });
    expect(log.page(8, 1)).toEqual({ from: 8, total: 10, log: ['l8'] });
  });
});
