// The contract between the job server and a job: what the child process finds in its environment.
// A job reads these itself (see the README's "Job server"); a StreamingContext whose `ui` option
// is absent or `true` serves its web UI at FLINT_UI_HOST:FLINT_UI_PORT.
import { basename } from 'node:path';
import type { BatchRequest } from './batch-job.js';

/** Names of the environment variables a job gets from the job server. */
export const JOB_ENV = {
  /** The batch id on the server (Livy's `id`). */
  batchId: 'FLINT_BATCH_ID',
  /** The application id the server reports (Livy's `appId`), e.g. `app-20250101120000-0003`. */
  appId: 'FLINT_APP_ID',
  /** The batch's `name`, else the job file's name: a job can pass it as its context's `appName`. */
  appName: 'FLINT_APP_NAME',
  /** The batch's `conf` as a JSON object of strings: `JSON.parse(process.env.FLINT_CONF)`. */
  conf: 'FLINT_CONF',
  /** Host and port reserved for the job's web UI; the server reports `http://host:port` as `appInfo.sparkUiUrl`. */
  uiHost: 'FLINT_UI_HOST',
  uiPort: 'FLINT_UI_PORT',
} as const;

/** Variables of the server's environment never passed to a job. */
const SERVER_ONLY = ['FLINT_TOKEN'];

/** A job's whole environment: the server's, less its secrets, plus the job's variables. */
export function jobEnv(
  base: NodeJS.ProcessEnv,
  job: { id: number; appId: string; request: BatchRequest; uiHost: string; uiPort: number },
): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const name of SERVER_ONLY) delete env[name];
  return {
    ...env,
    [JOB_ENV.batchId]: String(job.id),
    [JOB_ENV.appId]: job.appId,
    [JOB_ENV.appName]: job.request.name ?? basename(job.request.file).replace(/\.[cm]?js$/, ''),
    [JOB_ENV.conf]: JSON.stringify(job.request.conf),
    [JOB_ENV.uiHost]: job.uiHost,
    [JOB_ENV.uiPort]: String(job.uiPort),
  };
}

/** What a job started by `flint serve` learns from its environment (see {@link jobServerEnv}). */
export interface JobServerEnv {
  batchId: number;
  appId: string;
  appName: string;
  /** The batch's `conf`: every value a string, as Livy's. */
  conf: Readonly<Record<string, string>>;
  /** Where the job's web UI should listen. */
  ui: { host: string; port: number };
}

/**
 * The settings `flint serve` gave this process, or `undefined` when it was not started by a job
 * server. A job reads its `conf` here, e.g. `jobServerEnv()?.conf.core ?? 'wasm'`.
 */
export function jobServerEnv(env: NodeJS.ProcessEnv = process.env): JobServerEnv | undefined {
  const batchId = env[JOB_ENV.batchId];
  if (batchId === undefined) return undefined;
  return {
    batchId: Number(batchId),
    appId: env[JOB_ENV.appId] ?? '',
    appName: env[JOB_ENV.appName] ?? '',
    conf: JSON.parse(env[JOB_ENV.conf] ?? '{}') as Record<string, string>,
    ui: { host: env[JOB_ENV.uiHost] ?? '127.0.0.1', port: Number(env[JOB_ENV.uiPort] ?? 0) },
  };
}
