// `flint serve`: runs the job server until SIGINT or SIGTERM, then stops its jobs and exits.
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { TextOutput } from '../dstream/operator.js';
import { JobServer } from '../server/job-server.js';
import { isLoopback } from '../server/host-guard.js';
import type { ServeConfig } from './server-args.js';

/** Serves until `signal` aborts; resolves with the exit status. */
export async function runServe(config: ServeConfig, io: { err: TextOutput }, signal: AbortSignal): Promise<number> {
  const server = new JobServer({ ...config, jobsDir: resolve(config.jobsDir) });
  const { url } = await server.listen();
  io.err.write(`flint serve: Livy batch API at ${url}/batches, running jobs from ${resolve(config.jobsDir)}${config.token ? ' (bearer token required)' : ''}\n`);
  if (!isLoopback(config.host) && config.token === undefined) {
    io.err.write('flint serve: warning: listening beyond this machine without a token; anyone who can reach it can run the jobs (add --token)\n');
  }
  if (!signal.aborted) await once(signal, 'abort');
  io.err.write('flint serve: stopping the running jobs\n');
  await server.close();
  return 0;
}
