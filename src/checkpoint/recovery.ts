// Recovery (Spark's CheckpointReader and restoreCheckpointData): find the newest checkpoint that
// reads back whole, falling back to the one before it; then put its batches back into the
// rebuilt graph and hand each source its position and the records of the batches to run again.
import type { Batch } from '../batch/batch.js';
import { FlintError } from '../errors.js';
import type { CheckpointProblem } from '../scheduler/listener.js';
import { decodeBatch } from './batch-codec.js';
import { readBatchLog } from './batch-log.js';
import { FILE_KIND, readCheckedFile } from './checked-file.js';
import { CheckpointFiles, type BatchRecord, type CheckpointMetadata, type StoredBatch } from './checkpoint-files.js';
import { batchKey, readDataFile } from './data-file.js';
import type { GraphLayout } from './graph-layout.js';

/** A checkpoint read back and verified, with the batch records that follow it. */
export interface RecoveredCheckpoint {
  readonly metadata: CheckpointMetadata;
  /** Stateful streams' batches, by stream id. */
  readonly states: ReadonlyMap<number, Batch<unknown> | undefined>;
  /** Window panes, by parent stream id, then time. */
  readonly panes: ReadonlyMap<number, ReadonlyMap<number, Batch<unknown> | undefined>>;
  /** Records of the batches generated after the checkpoint, by time, oldest first. */
  readonly replays: ReadonlyMap<number, BatchRecord>;
  /** Newer checkpoints (or records) that could not be used, and why. */
  readonly problems: readonly CheckpointProblem[];
}

/**
 * The newest usable checkpoint in `dir`, or `undefined` when there is none at all. Throws a
 * `CHECKPOINT_CORRUPT` FlintError when checkpoints exist but none reads back whole.
 */
export function readCheckpoint(dir: string): RecoveredCheckpoint | undefined {
  const files = new CheckpointFiles(dir);
  const times = files.checkpointTimes();
  if (times.length === 0) return undefined;
  const problems: CheckpointProblem[] = [];
  for (const time of times) {
    try {
      const recovered = load(files, time, problems);
      for (const p of problems) p.fallbackTime ??= time;
      return recovered;
    } catch (error) {
      if (!(error instanceof FlintError) || error.code !== 'CHECKPOINT_CORRUPT') throw error;
      problems.push({ time, message: error.message });
    }
  }
  throw new FlintError(
    'CHECKPOINT_CORRUPT',
    `no checkpoint in "${dir}" can be read back: ${problems.map((p) => p.message).join('; ')}. ` +
      `To start fresh, give the program a new checkpoint directory (or move "${dir}" away); its state is lost`,
  );
}

function load(files: CheckpointFiles, time: number, problems: CheckpointProblem[]): RecoveredCheckpoint {
  const metadata = parseMetadata(files.metadata(time));
  const dataFiles = new Map<number, Map<string, Buffer>>();
  const read = (id: string, [t, file]: StoredBatch): Batch<unknown> | undefined => {
    const path = files.data(file);
    let entries = dataFiles.get(file);
    if (!entries) dataFiles.set(file, (entries = readDataFile(path)));
    const payload = entries.get(batchKey(id, t));
    if (payload === undefined) throw new FlintError('CHECKPOINT_CORRUPT', `checkpoint file "${path}" lacks the batch of stream ${id} at ${t} ms`);
    return decodeBatch(payload, path);
  };
  const states = new Map<number, Batch<unknown> | undefined>();
  for (const [id, stored] of Object.entries(metadata.states)) states.set(Number(id), read(id, stored));
  const panes = new Map<number, Map<number, Batch<unknown> | undefined>>();
  for (const [id, stored] of Object.entries(metadata.panes)) panes.set(Number(id), new Map(stored.map((s) => [s[0], read(id, s)])));
  return { metadata, states, panes, replays: readReplays(files, time, problems), problems };
}

// The batches logged after the checkpoint, oldest first. Damage in the log (not a torn tail,
// which a crash leaves) is reported: the batches after it run as if the process had been down.
function readReplays(files: CheckpointFiles, after: number, problems: CheckpointProblem[]): Map<number, BatchRecord> {
  const { records, damage } = readBatchLog(files.batchLog);
  const times = [...records.keys()].filter((t) => t > after).sort((a, b) => a - b);
  if (damage) {
    problems.push({
      time: damage.afterTime ?? after,
      message: `batch log file "${damage.file}" is damaged after ${damage.afterTime ?? 'its start'}; later batches run with the data their sources have now`,
    });
  }
  return new Map(times.map((t) => [t, records.get(t)!]));
}

function parseMetadata(path: string): CheckpointMetadata {
  const payload = readCheckedFile(path, FILE_KIND.metadata);
  let m: CheckpointMetadata;
  try {
    m = JSON.parse(payload.toString('utf8')) as CheckpointMetadata;
  } catch (error) {
    throw new FlintError('CHECKPOINT_CORRUPT', `checkpoint file "${path}" does not hold valid metadata`, { cause: error });
  }
  const ok =
    Number.isFinite(m?.time) && Number.isFinite(m.zeroTime) && Number.isFinite(m.batchInterval) && Array.isArray(m.fingerprint) &&
    typeof m.states === 'object' && typeof m.panes === 'object' && typeof m.positions === 'object';
  if (!ok) throw new FlintError('CHECKPOINT_CORRUPT', `checkpoint file "${path}" does not hold valid metadata`);
  return m;
}

/**
 * Checks that the program rebuilt the graph the checkpoint was taken of; throws a
 * `CHECKPOINT_INCOMPATIBLE` FlintError naming the first stream that differs.
 */
export function checkCompatible(dir: string, recovered: RecoveredCheckpoint, layout: GraphLayout, batchInterval: number): void {
  const { metadata } = recovered;
  const fresh = `; to start fresh with the new program, give it a new checkpoint directory (the old state stays in "${dir}")`;
  if (metadata.batchInterval !== batchInterval) {
    throw new FlintError(
      'CHECKPOINT_INCOMPATIBLE',
      `the checkpoint in "${dir}" was taken with a batch interval of ${metadata.batchInterval} ms, the program now uses ${batchInterval} ms${fresh}`,
    );
  }
  const old = metadata.fingerprint;
  const now = layout.fingerprint;
  for (let i = 0; i < Math.max(old.length, now.length); i++) {
    if (old[i] === now[i]) continue;
    throw new FlintError(
      'CHECKPOINT_INCOMPATIBLE',
      `the program's streams differ from the checkpoint in "${dir}" at stream ${i}: ` +
        `the checkpoint has ${old[i] ?? 'no such stream'}, the program has ${now[i] ?? 'no such stream'}${fresh}`,
    );
  }
}

/** Puts the recovered batches into the graph's streams and positions into its sources. */
export async function restoreGraph(layout: GraphLayout, recovered: RecoveredCheckpoint): Promise<void> {
  const { metadata } = recovered;
  for (const [id, batch] of recovered.states) layout.streams[id]!.restoreBatch(metadata.states[id]![0], batch);
  for (const [id, panes] of recovered.panes) for (const [t, batch] of panes) layout.streams[id]!.restoreBatch(t, batch);
  for (const { id, input } of layout.inputs) {
    if (!input.recovery || !(id in metadata.positions)) continue;
    const replays = new Map<number, unknown>();
    for (const [t, record] of recovered.replays) if (id in record) replays.set(t, record[id]);
    input.recovery.restore(metadata.positions[id], replays);
    await input.recovery.readmitUnallocated?.();
  }
}
