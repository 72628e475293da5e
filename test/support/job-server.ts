// Helpers for the job server tests: a temporary jobs directory of tiny real job modules (they
// import the built package, so `npm run build:ts` first), a server on 127.0.0.1 port 0, and
// a fetch-based client that returns status, headers and parsed JSON.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JobServer, type BatchState, type BatchView, type JobServerOptions } from '../../src/index.js';
import { sleep } from './sources-helpers.js';

const FLINT = pathToFileURL(new URL('../../dist/src/index.js', import.meta.url).pathname).href;

/** The job modules every test jobs directory holds, by file name. */
export const JOBS: Readonly<Record<string, string>> = {
  // A real Flint job: counts the words of its arguments in `batches` batches of a queueStream
  // (conf: core, batches), prints each batch's counts and what the server passed, exits 0.
  'count-job.mjs': `
import { StreamingContext, jobServerEnv, words, pair, sum } from '${FLINT}';
const env = jobServerEnv();
console.log('env ' + JSON.stringify({ ...env, token: process.env.FLINT_TOKEN ?? null, cwd: process.cwd() }));
const batches = Number(env.conf.batches ?? 3);
const ssc = new StreamingContext({ batchInterval: 50, master: 'local[2]', core: env.conf.core, appName: env.appName });
ssc.queueStream(Array.from({ length: batches }, () => process.argv.slice(2)))
  .flatMap(words).map(pair(1)).reduceByKey(sum)
  .foreachRDD((batch) => console.log('counts ' + JSON.stringify(batch.collect().sort(([a], [b]) => (a < b ? -1 : 1)))));
let done = 0;
ssc.addStreamingListener({ onBatchCompleted: () => { if (++done === batches) void ssc.stop({ graceful: true }); } });
await ssc.start();
await ssc.awaitTermination();
`,
  // Writes to both streams, then throws: exit status 1.
  'fail-job.mjs': `
console.log('about to fail');
console.error('on stderr');
throw new Error('the job broke on purpose');
`,
  // Ends itself with SIGKILL, as an out-of-memory kill would.
  'crash-job.mjs': `
console.log('crashing');
process.kill(process.pid, 'SIGKILL');
`,
  // A Flint context that runs until stopped and stops gracefully on SIGTERM (exit 0).
  // A job with the default ui option: under the server, it serves its web UI where the server says.
  'ui-job.mjs': `
import { StreamingContext } from '${FLINT}';
const ssc = new StreamingContext({ batchInterval: 50, master: 'local[1]', core: 'js', stopGracefullyOnShutdown: true, appName: 'ui-job' });
ssc.queueStream([['a']]).foreachRDD(() => {});
await ssc.start();
console.log('started ' + ssc.uiWebUrl);
await ssc.awaitTermination();
`,
  'forever-job.mjs': `
import { StreamingContext } from '${FLINT}';
const ssc = new StreamingContext({ batchInterval: 50, master: 'local[1]', core: 'js', stopGracefullyOnShutdown: true });
ssc.queueStream([]).foreachRDD(() => {});
await ssc.start();
console.log('started');
console.log('pid ' + process.pid);
await ssc.awaitTermination();
`,
  // Ignores SIGTERM: only SIGKILL ends it.
  'stubborn-job.mjs': `
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
setInterval(() => {}, 1000);
console.log('started');
`,
  // Floods its stdout: many lines, then one very long line without a newline.
  'flood-job.mjs': `
const lines = Number(process.argv[2]);
for (let i = 0; i < lines; i++) process.stdout.write('line ' + i + '\\n');
process.stdout.write('x'.repeat(Number(process.argv[3])));
`,
};

/** A temporary jobs directory holding {@link JOBS}; `remove()` deletes it. */
export function jobsDirectory(): { dir: string; root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'flint-serve-'));
  const dir = join(root, 'jobs');
  writeFileSync(join(root, 'outside.mjs'), 'console.log("outside the jobs directory")\n');
  mkdirSync(dir);
  for (const [name, source] of Object.entries(JOBS)) writeFileSync(join(dir, name), source);
  return { dir, root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A server answer: status, headers and the parsed JSON body. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A started server and a client for it. */
export interface TestServer {
  server: JobServer;
  url: string;
  /** Sends a request; `body` (an object) is sent as JSON unless it is a string. */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
  /** Submits a job and returns its batch object. */
  submit(file: string, fields?: Record<string, unknown>): Promise<BatchView>;
  /** Polls the batch until it is in a final state (or `state`), returns its batch object. */
  waitFor(id: number, state?: BatchState): Promise<BatchView>;
  /** Polls the log until a line satisfies `test`. */
  waitForLine(id: number, test: (line: string) => boolean): Promise<void>;
}

/** Starts a server on 127.0.0.1 port 0 over `jobsDir`. */
export async function startServer(options: Omit<JobServerOptions, 'port'> & { token?: string }): Promise<TestServer> {
  const server = new JobServer({ port: 0, stopTimeout: 5000, ...options });
  const { url } = await server.listen();
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const call = async <T,>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> => {
    const init: RequestInit = { method, headers: { ...auth, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'content-type': 'application/json', ...auth, ...headers };
    }
    const res = await fetch(url + path, init);
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  };
  const final = (state: BatchState): boolean => state === 'success' || state === 'dead' || state === 'killed';
  return {
    server,
    url,
    call,
    async submit(file, fields = {}) {
      const answer = await call<BatchView>('POST', '/batches', { file, ...fields });
      if (answer.status !== 201) throw new Error(`submit ${file}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    async waitFor(id, state) {
      for (let waited = 0; ; waited += 20) {
        const { body } = await call<BatchView>('GET', `/batches/${id}`);
        if (state ? body.state === state : final(body.state)) return body;
        if (waited > 15_000) throw new Error(`batch ${id} is still ${body.state}: ${JSON.stringify(body.log)}`);
        await sleep(20);
      }
    },
    async waitForLine(id, test) {
      for (let waited = 0; ; waited += 20) {
        const { body } = await call<{ log: string[] }>('GET', `/batches/${id}/log?from=0&size=1000`);
        if (body.log.some(test)) return;
        if (waited > 15_000) throw new Error(`batch ${id} never logged the line awaited: ${JSON.stringify(body.log)}`);
        await sleep(20);
      }
    },
  };
}
