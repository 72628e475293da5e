// The job server's safety rules, one test each: loopback by default, job files confined to the
// jobs directory (traversal, absolute paths, symlinks), the bearer token, capped and checked
// bodies, Host checks, and 404/405 for what is not the API.
import { request } from 'node:http';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlintError, JobServer } from '../src/index.js';
import { jobsDirectory, startServer, type TestServer } from './support/job-server.js';

const jobs = jobsDirectory();
let api: TestServer;
let open: TestServer;
beforeAll(async () => {
  // Symlinks: one to a file outside, one to a directory outside, one to a job inside.
  symlinkSync(join(jobs.root, 'outside.mjs'), join(jobs.dir, 'link-out.mjs'));
  symlinkSync(jobs.root, join(jobs.dir, 'dir-out'));
  symlinkSync(join(jobs.dir, 'fail-job.mjs'), join(jobs.dir, 'link-in.mjs'));
  mkdirSync(join(jobs.dir, 'sub'));
  writeFileSync(join(jobs.dir, 'notes.txt'), 'not a job\n');
  api = await startServer({ jobsDir: jobs.dir, token: 's3cret', maxBodyBytes: 1024 });
  open = await startServer({ jobsDir: jobs.dir });
});
afterAll(async () => {
  await api.server.close();
  await open.server.close();
  jobs.remove();
});

/** A raw request, so headers fetch would fix (Host, Content-Length, chunking) can be set. */
function raw(url: string, options: { method?: string; path: string; headers?: Record<string, string | number>; body?: string }): Promise<{ status: number; headers: Record<string, unknown>; body: { msg?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(options.path, url), { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) as { msg?: string } }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('where the server listens', () => {
  it('binds 127.0.0.1 by default', async () => {
    const server = new JobServer({ jobsDir: jobs.dir, port: 0 });
    try {
      expect((await server.listen()).host).toBe('127.0.0.1');
      expect(server.host).toBe('127.0.0.1');
    } finally {
      await server.close();
    }
  });

  it('refuses requests whose Host is not a loopback name (DNS rebinding) with 403', async () => {
    const answer = await raw(open.url, { path: '/batches', headers: { Host: 'evil.example:8998' } });
    expect(answer.status).toBe(403);
    expect(answer.body.msg).toContain('answers only requests for localhost');
    expect((await raw(open.url, { path: '/batches', headers: { Host: 'localhost:8998' } })).status).toBe(200);
    expect((await raw(open.url, { path: '/batches', headers: { Host: '[::1]:8998' } })).status).toBe(200);
  });

  it('says which port is taken when it cannot listen', async () => {
    const port = new URL(open.url).port;
    const server = new JobServer({ jobsDir: jobs.dir, port: Number(port) });
    await expect(server.listen()).rejects.toThrow(`cannot listen on 127.0.0.1 port ${port} (EADDRINUSE); pass another port (0 picks a free one) or host`);
  });

  it('checks its options with messages that say what to fix', () => {
    expect(() => new JobServer({ jobsDir: join(jobs.root, 'missing') })).toThrow(FlintError);
    expect(() => new JobServer({ jobsDir: join(jobs.root, 'missing') })).toThrow(/jobs directory .* is not a readable directory/);
    expect(() => new JobServer({ jobsDir: jobs.dir, port: 70000 })).toThrow('options.port must be a whole number from 0 to 65535, got 70000');
    expect(() => new JobServer({ jobsDir: jobs.dir, token: '' })).toThrow('the token is empty');
  });
});

describe('job files stay inside the jobs directory', () => {
  it.each([
    ['../outside.mjs', 'is outside the jobs directory'],
    ['sub/../../outside.mjs', 'is outside the jobs directory'],
    [join('..', '..', '..', 'etc', 'passwd'), 'is outside the jobs directory'],
    ['/etc/passwd', 'is an absolute path'],
    ['link-out.mjs', 'leads outside the jobs directory through a symlink'],
    ['dir-out/outside.mjs', 'leads outside the jobs directory through a symlink'],
    ['missing.mjs', 'does not exist in the jobs directory'],
    ['sub', 'is not a file'],
    ['.', 'is outside the jobs directory'],
    ['notes.txt', 'is not a JavaScript module'],
    ['fail-job.mjs\u0000.txt', 'contains a NUL character'],
  ])('refuses file %j with 400: %s', async (file, why) => {
    const answer = await open.call('POST', '/batches', { file });
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toContain(why);
    expect((await open.call<{ total: number }>('GET', '/batches')).body.total).toBe(0);
  });

  it('refuses the absolute path of a job that is inside the directory too', async () => {
    const answer = await open.call('POST', '/batches', { file: join(jobs.dir, 'fail-job.mjs') });
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toContain('is an absolute path');
  });

  it('runs a job through a symlink that stays inside, and a path with .. that stays inside', async () => {
    for (const file of ['link-in.mjs', 'sub/../fail-job.mjs']) {
      const created = await open.call<{ id: number }>('POST', '/batches', { file });
      expect(created.status).toBe(201);
      await open.waitFor(created.body.id);
      const { body } = await open.call<{ log: string[] }>('GET', `/batches/${created.body.id}/log?from=0`);
      expect(body.log).toContain('about to fail');
    }
  });
});

describe('the bearer token', () => {
  it('refuses a request without it with 401 and a WWW-Authenticate challenge', async () => {
    const answer = await raw(api.url, { path: '/batches' });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="flint"');
    expect(answer.body.msg).toContain('Authorization: Bearer');
  });

  it.each([
    ['one character off', 's3cres'],
    ['a longer one', 's3cret2'],
    ['another case', 'S3CRET'],
    ['an empty one', ''],
    ['a very long one', 'x'.repeat(1000)],
  ])('refuses a wrong token (%s) with 401', async (_what, token) => {
    const answer = await raw(api.url, { path: '/batches', headers: { Authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain('Bearer realm="flint"');
  });

  it('refuses other schemes, and checks the token before anything else (even a 404)', async () => {
    expect((await raw(api.url, { path: '/batches', headers: { Authorization: 'Basic czNjcmV0' } })).status).toBe(401);
    expect((await raw(api.url, { path: '/nowhere' })).status).toBe(401);
    expect((await raw(api.url, { method: 'POST', path: '/batches', headers: { 'Content-Type': 'application/json' }, body: '{"file":"fail-job.mjs"}' })).status).toBe(401);
  });

  it('accepts the right token', async () => {
    expect((await raw(api.url, { path: '/batches', headers: { Authorization: 'Bearer s3cret' } })).status).toBe(200);
    expect((await api.call('GET', '/batches')).status).toBe(200);
  });
});

describe('request bodies', () => {
  const post = (body: string, headers: Record<string, string | number> = {}) =>
    raw(api.url, { method: 'POST', path: '/batches', headers: { Authorization: 'Bearer s3cret', 'Content-Type': 'application/json', ...headers }, body });

  it('refuses a body over the cap with 413, declared or chunked', async () => {
    const big = JSON.stringify({ file: 'fail-job.mjs', args: ['x'.repeat(2000)] });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(declared.body.msg).toBe('the request body is larger than 1024 bytes; send a shorter one');
    const chunked = await post(big, { 'Transfer-Encoding': 'chunked' });
    expect(chunked.status).toBe(413);
  });

  it.each([
    ['{"file": ', 'the request body is not valid JSON'],
    ['', 'the request body is empty'],
    ['[1, 2]', 'the request body must be a JSON object'],
    ['"fail-job.mjs"', 'the request body must be a JSON object'],
    ['{}', 'field "file" is required'],
    ['{"file": 3}', 'field "file" is required'],
    ['{"file": "fail-job.mjs", "args": "a b"}', 'field "args" must be an array of at most 256 strings'],
    ['{"file": "fail-job.mjs", "args": [1]}', 'field "args" must be an array'],
    ['{"file": "fail-job.mjs", "name": 5}', 'field "name" must be a string'],
    ['{"file": "fail-job.mjs", "conf": []}', 'field "conf" must be an object'],
    ['{"file": "fail-job.mjs", "conf": {"a": {"b": 1}}}', 'conf "a" must be a string, number or boolean'],
    ['{"file": "fail-job.mjs", "className": "Main"}', 'field "className" is not supported'],
  ])('refuses %j with 400 and a message', async (body, message) => {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toContain(message);
  });

  it('refuses a body not sent as application/json with 415', async () => {
    const answer = await post('{"file":"fail-job.mjs"}', { 'Content-Type': 'text/plain' });
    expect(answer.status).toBe(415);
    expect(answer.body.msg).toContain('Content-Type: application/json');
  });
});

describe('what is not the API', () => {
  it.each(['/', '/batch', '/batches/0/logs', '/sessions', '/batches/0/state/x'])('answers %s with 404', async (path) => {
    const answer = await open.call('GET', path);
    expect(answer.status).toBe(404);
    expect(answer.body.msg).toContain('no route');
  });

  it.each(['/batches/abc', '/batches/-1', '/batches/1.5', '/batches/99999'])('answers an unknown batch %s with 404', async (path) => {
    const answer = await open.call('GET', path);
    expect(answer.status).toBe(404);
    expect(answer.body.msg).toContain('no batch');
  });

  it.each([
    ['PUT', '/batches', 'GET, POST'],
    ['DELETE', '/batches', 'GET, POST'],
    ['POST', '/batches/0', 'GET, DELETE'],
    ['POST', '/batches/0/state', 'GET'],
    ['DELETE', '/batches/0/log', 'GET'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const answer = await open.call(method, path);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe(allow);
  });

  it.each(['/batches?from=-1', '/batches?size=ten', '/batches/0/log?from=1e3'])('refuses a bad query %s with 400', async (path) => {
    const created = await open.call('POST', '/batches', { file: 'fail-job.mjs' });
    expect(created.status).toBe(201);
    const answer = await open.call('GET', path);
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toMatch(/query parameter (from|size) must be a whole number/);
  });
});
