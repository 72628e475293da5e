// Benchmark: write-ahead log append throughput for 64 KiB records (a socket read's worth) with the
// default 50 ms group commit, against plain writes of the same bytes with a single fsync at the end.
// Run with `npm run bench:wal`.
import { randomFillSync } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { WriteAheadLog } from '../src/checkpoint/write-ahead-log.js';
import { percentile } from './lib/stats.js';
import { machineLine, median } from './machine.js';

const RECORD_BYTES = 64 << 10;
const RUN_BYTES = 256 << 20;
const RUNS = 5;
/** Unwritten bytes at which the producer pauses, as a receiver pauses its socket. */
const PAUSE_BYTES = 16 << 20;
const MiB = 2 ** 20;

const payloads = Array.from({ length: 64 }, () => randomFillSync(Buffer.allocUnsafe(RECORD_BYTES)));

/** One record per event-loop turn, as socket reads arrive; MiB/s until all is durable, and append-to-durable delays. */
async function walRun(dir: string): Promise<{ mibPerSecond: number; durableMs: number[] }> {
  const wal = await WriteAheadLog.open(dir);
  const durableMs: number[] = [];
  let group: Promise<void> | undefined;
  const started = performance.now();
  for (let i = 0; i * RECORD_BYTES < RUN_BYTES; i++) {
    const appendedAt = performance.now();
    const { durable } = wal.append(payloads[i % payloads.length]!);
    // One delay per group commit, from its first record: the longest wait in the group.
    if (durable !== group) void (group = durable).then(() => durableMs.push(performance.now() - appendedAt));
    await nextTurn();
    while (wal.pendingBytes > PAUSE_BYTES) await nextTurn();
  }
  await wal.sync();
  const seconds = (performance.now() - started) / 1000;
  await wal.close();
  return { mibPerSecond: RUN_BYTES / MiB / seconds, durableMs };
}

/** The same bytes in 8 MiB writes and one fsync: what the disk gives a plain sequential writer. */
async function plainRun(dir: string): Promise<number> {
  const handle = await open(join(dir, 'plain'), 'w');
  const started = performance.now();
  const perWrite = (8 * MiB) / RECORD_BYTES;
  for (let written = 0; written < RUN_BYTES; written += perWrite * RECORD_BYTES) {
    await handle.writev(Array.from({ length: perWrite }, (_, i) => payloads[i % payloads.length]!));
  }
  await handle.sync();
  const seconds = (performance.now() - started) / 1000;
  await handle.close();
  return RUN_BYTES / MiB / seconds;
}

const wal: number[] = [];
const plain: number[] = [];
const delays: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const dir = await mkdtemp(join(tmpdir(), 'flint-bench-wal-'));
  try {
    const result = await walRun(dir);
    wal.push(result.mibPerSecond);
    delays.push(...result.durableMs);
    plain.push(await plainRun(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
console.log(`write-ahead log, ${RECORD_BYTES >> 10} KiB records, ${RUN_BYTES / MiB} MiB per run, median of ${RUNS} runs, in ${tmpdir()}`);
console.log(`machine: ${machineLine()}`);
console.table([
  { writer: 'WriteAheadLog, 50 ms group commit', 'median MiB/s': median(wal).toFixed(0), 'min MiB/s': Math.min(...wal).toFixed(0) },
  { writer: 'plain 8 MiB writes, one fsync', 'median MiB/s': median(plain).toFixed(0), 'min MiB/s': Math.min(...plain).toFixed(0) },
]);
console.log(`log / plain: ${(median(wal) / median(plain)).toFixed(2)}`);
console.log(`append to durable: median ${median(delays).toFixed(0)} ms, p99 ${percentile(delays, 99).toFixed(0)} ms`);
