// Spark's monitoring REST API (`/api/v1`) for one streaming application: the same paths and field
// names as Spark's `status/api/v1/streaming` resources, computed from the job progress listener.
// Absent values are left out, as Spark's JSON leaves out empty Options.
import { userInfo } from 'node:os';
import type { BatchInfo, OutputOperationInfo } from '../scheduler/listener.js';
import { type BatchStatus, type StreamingJobProgressListener } from './job-progress.js';

/** What the API describes besides the listener's state. */
export interface ApplicationDescription {
  /** Spark-style application id, e.g. `app-20250101120000-0000`. */
  id: string;
  name: string;
  batchDuration: number;
  /** Wall-clock ms when the context was created. */
  startTimeEpoch: number;
  /** Wall-clock ms when the context stopped, if it has. */
  endTimeEpoch?: number;
  version: string;
}

/** An answer: HTTP status and JSON body. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

const BATCH_STATUSES: readonly BatchStatus[] = ['COMPLETED', 'PROCESSING', 'QUEUED'];

/** Spark's date format in its REST API: ISO 8601 in GMT with milliseconds. */
export function sparkDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', 'GMT');
}

/** Answers `GET /api/v1{path}`; unknown paths and ids get 404 with a message. */
export function apiV1(path: string, query: URLSearchParams, app: ApplicationDescription, listener: StreamingJobProgressListener): ApiResponse {
  if (path === '/applications' || path === '/applications/') return ok([applicationInfo(app)]);
  const match = /^\/applications\/([^/]+)(\/.*)?$/.exec(path);
  if (!match) return notFound(`unknown path /api/v1${path}`);
  if (decodeURIComponent(match[1]!) !== app.id) return notFound(`no such app: ${match[1]}`);
  const rest = match[2] ?? '';
  if (rest === '' || rest === '/') return ok(applicationInfo(app));
  const parts = rest.split('/').filter(Boolean);
  if (parts[0] !== 'streaming') return notFound(`unknown path /api/v1${path} (Flint serves the streaming resources only)`);
  return streaming(parts.slice(1), query, app, listener) ?? notFound(`unknown path /api/v1${path}`);
}

function streaming(parts: string[], query: URLSearchParams, app: ApplicationDescription, listener: StreamingJobProgressListener): ApiResponse | undefined {
  const [resource, id, sub, subId, ...extra] = parts;
  if (extra.length > 0) return undefined;
  if (resource === 'statistics' && id === undefined) return ok(statistics(app, listener));
  if (resource === 'receivers') {
    const receivers = receiverList(app, listener);
    if (id === undefined) return ok(receivers);
    const receiver = sub === undefined && receivers.find((r) => String(r.streamId) === id);
    return receiver ? ok(receiver) : notFound(`unknown receiver: ${id}`);
  }
  if (resource !== 'batches') return undefined;
  if (id === undefined) return batchList(query, app, listener);
  const found = listener.batchesWithStatus().find(({ batch }) => String(batch.batchTime) === id);
  if (!found) return notFound(`unknown batch: ${id}`);
  if (sub === undefined) return ok(batchInfo(found.batch, found.status, app));
  if (sub !== 'operations') return undefined;
  const operations = found.batch.outputOperationInfos.map(outputOperationInfo);
  if (subId === undefined) return ok(operations);
  const operation = operations.find((op) => String(op.outputOpId) === subId);
  return operation ? ok(operation) : notFound(`unknown output operation: ${subId}`);
}

function applicationInfo(app: ApplicationDescription) {
  const now = Date.now();
  const end = app.endTimeEpoch ?? -1;
  return {
    id: app.id,
    name: app.name,
    attempts: [
      {
        startTime: sparkDate(app.startTimeEpoch),
        endTime: sparkDate(end),
        lastUpdated: sparkDate(now),
        duration: (app.endTimeEpoch ?? now) - app.startTimeEpoch,
        sparkUser: userName(),
        completed: app.endTimeEpoch !== undefined,
        appSparkVersion: app.version,
        startTimeEpoch: app.startTimeEpoch,
        endTimeEpoch: end,
        lastUpdatedEpoch: now,
      },
    ],
  };
}

/** Spark's `StreamingStatistics` of the application. */
export function statistics(app: ApplicationDescription, listener: StreamingJobProgressListener) {
  const batches = listener.retainedCompletedBatches();
  const receivers = [...listener.receivers.values()];
  const active = receivers.filter((r) => r.active).length;
  return {
    startTime: sparkDate(listener.startTime ?? app.startTimeEpoch),
    batchDuration: app.batchDuration,
    numReceivers: receivers.length,
    numActiveReceivers: active,
    numInactiveReceivers: receivers.length - active,
    numTotalCompletedBatches: listener.numTotalCompletedBatches,
    numRetainedCompletedBatches: batches.length,
    numActiveBatches: listener.waitingBatches.size + listener.runningBatches.size,
    numProcessedRecords: listener.numTotalProcessedRecords,
    numReceivedRecords: listener.numTotalReceivedRecords,
    avgInputRate: average(batches.map((b) => (b.numRecords * 1000) / app.batchDuration)),
    avgSchedulingDelay: averageMs(batches.map((b) => b.schedulingDelay)),
    avgProcessingTime: averageMs(batches.map((b) => b.processingDelay)),
    avgTotalDelay: averageMs(batches.map((b) => b.totalDelay)),
  };
}

/** Spark's `ReceiverInfo` of each input stream, by streamId; Flint adds `droppedRecords`. */
export function receiverList(app: ApplicationDescription, listener: StreamingJobProgressListener) {
  const batches = listener.retainedCompletedBatches();
  return [...listener.receivers.values()]
    .sort((a, b) => a.streamId - b.streamId)
    .map((r) => {
      const eventRates = batches.map((b): [number, number] => [b.batchTime, ((b.streamIdToNumRecords?.[r.streamId] ?? 0) * 1000) / app.batchDuration]);
      return {
        streamId: r.streamId,
        streamName: r.name,
        isActive: r.active,
        executorId: 'driver',
        lastErrorTime: r.lastErrorTime >= 0 ? sparkDate(r.lastErrorTime) : undefined,
        lastErrorMessage: r.lastErrorMessage || undefined,
        lastError: r.lastError || undefined,
        avgEventRate: average(eventRates.map(([, rate]) => rate)),
        eventRates,
        droppedRecords: r.droppedRecords,
      };
    });
}

function batchList(query: URLSearchParams, app: ApplicationDescription, listener: StreamingJobProgressListener): ApiResponse {
  const asked = query.getAll('status').flatMap((s) => s.split(','));
  const unknown = asked.find((s) => !BATCH_STATUSES.includes(s as BatchStatus));
  if (unknown !== undefined) {
    return { status: 400, body: { message: `unknown batch status "${unknown}"; use one of ${BATCH_STATUSES.join(', ')}` } };
  }
  const statuses = asked.length > 0 ? asked : BATCH_STATUSES;
  return ok(
    listener
      .batchesWithStatus()
      .filter(({ status }) => statuses.includes(status))
      .map(({ batch, status }) => batchInfo(batch, status, app)),
  );
}

function batchInfo(batch: BatchInfo, status: BatchStatus, app: ApplicationDescription) {
  const ops = batch.outputOperationInfos;
  const failed = ops.filter((op) => op.failureReason !== undefined).length;
  const completed = ops.filter((op) => op.endTime !== undefined && op.failureReason === undefined).length;
  const active = ops.filter((op) => op.startTime !== undefined && op.endTime === undefined).length;
  return {
    batchId: batch.batchTime,
    batchTime: sparkDate(batch.batchTime),
    status,
    batchDuration: app.batchDuration,
    inputSize: batch.numRecords,
    schedulingDelay: batch.schedulingDelay,
    processingTime: batch.processingDelay,
    totalDelay: batch.totalDelay,
    numActiveOutputOps: active,
    numCompletedOutputOps: completed,
    numFailedOutputOps: failed,
    numTotalOutputOps: ops.length,
    firstFailureReason: ops.find((op) => op.failureReason !== undefined)?.failureReason,
  };
}

function outputOperationInfo(op: OutputOperationInfo) {
  return {
    outputOpId: op.id,
    name: op.name,
    description: op.description,
    startTime: op.startTime === undefined ? undefined : sparkDate(op.startTime),
    endTime: op.endTime === undefined ? undefined : sparkDate(op.endTime),
    duration: op.startTime !== undefined && op.endTime !== undefined ? op.endTime - op.startTime : undefined,
    failureReason: op.failureReason,
    jobIds: [] as number[],
  };
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}

function average(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

// Spark averages delays as whole milliseconds (Long division).
function averageMs(values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  const avg = average(known);
  return avg === undefined ? undefined : Math.floor(avg);
}

function ok(body: unknown): ApiResponse {
  return { status: 200, body };
}

function notFound(message: string): ApiResponse {
  return { status: 404, body: { message } };
}
