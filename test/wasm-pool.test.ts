// Failures in the wasm core's worker pool: a kernel trap or a worker crash fails its task (in a
// context, its batch, reported to listeners) with a FlintError; the pool replaces the worker and
// the context keeps running. Stopping the context shuts the pool down, so a process exits.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PackedBatch } from '../src/core/wasm/packed-tables.js';
import { KIND, OP } from '../src/core/wasm/kernel-instance.js';
import { CountRun, type CountSettings } from '../src/pool/count-run.js';
import { WorkerPool } from '../src/pool/pool.js';
import type { FailTask } from '../src/pool/tasks.js';
import { ManualClock, StreamingContext, pair, sum, words, type OutputOperationInfo } from '../src/index.js';
import { textBatch } from './support/random-text.js';

const TRAP: FailTask = { kind: 'fail', how: 'trap' };
const CRASH: FailTask = { kind: 'fail', how: 'exit' };
const WORD_COUNT: CountSettings = { separators: ' ', fields: false, value: 1, valueKind: KIND.i64, op: OP.sum, numPartitions: 1 };

/** A count run on `pool` that records what comes back. */
function openRun(pool: WorkerPool, settings = WORD_COUNT) {
  const partials: [number, [string, number][]][] = [];
  const returned: number[] = [];
  const run = new CountRun(pool, settings, {
    pieceDone: (_, input) => void returned.push(input.byteLength),
    partial: (segment, packed) => void partials.push([segment, new PackedBatch(packed).collect()]),
  });
  const send = (text: string, segment: number) => run.send(new Uint8Array(Buffer.from(text)), segment);
  return { run, send, partials, returned };
}

/** Runs a word count of `text` as one segment on `pool` and decodes it. */
async function count(pool: WorkerPool, text: string): Promise<[string, number][]> {
  const { run, send, partials } = openRun(pool);
  send(text, 0);
  run.end();
  await run.finished;
  return partials[0]![1];
}

describe('WorkerPool', () => {
  it('a count run fills one table per segment and returns each one packed, in order, then ends', async () => {
    const pool = new WorkerPool(1);
    try {
      const { run, send, partials, returned } = openRun(pool);
      send('a b\n', 0);
      send('b c\n', 0);
      send('c d\n', 2);
      expect(run.inFlight).toBe(3);
      run.end();
      await run.finished;
      expect(run.inFlight).toBe(0);
      expect(returned).toEqual([4, 4, 4]);
      expect(partials).toEqual([
        [0, [['a', 1], ['b', 2], ['c', 1]]],
        [2, [['c', 1], ['d', 1]]],
      ]);
      // The worker is free again for the next task.
      expect(await count(pool, 'x y x\n')).toEqual([['x', 2], ['y', 1]]);
    } finally {
      await pool.close();
    }
  });

  it('a run that traps fails with JOB_FAILED; an abandoned run frees its worker', async () => {
    const pool = new WorkerPool(1);
    try {
      // Packing into 2^29 partitions needs more memory than a WASM instance can have: a real trap.
      const huge = openRun(pool, { ...WORD_COUNT, numPartitions: 2 ** 29 });
      huge.send('a\n', 0);
      huge.run.end();
      await expect(huge.run.finished).rejects.toMatchObject({ code: 'JOB_FAILED', message: expect.stringMatching(/^wasm core task countText failed in a worker: /) });
      const abandoned = openRun(pool);
      abandoned.send('a\n', 0);
      abandoned.run.close();
      await expect(abandoned.run.finished).rejects.toMatchObject({ code: 'JOB_FAILED', message: expect.stringContaining('abandoned') });
      expect(await count(pool, 'b b\n')).toEqual([['b', 2]]);
    } finally {
      await pool.close();
    }
  });

  it('a trap or a crash rejects that task with JOB_FAILED; the pool replaces the worker and goes on', async () => {
    const pool = new WorkerPool(2);
    try {
      expect(await count(pool, 'a b a\n')).toEqual([['a', 2], ['b', 1]]);
      await expect(pool.run(TRAP)).rejects.toMatchObject({
        name: 'FlintError',
        code: 'JOB_FAILED',
        message: expect.stringMatching(/^wasm core task fail failed in a worker: .*unreachable/),
      });
      await expect(pool.run(CRASH)).rejects.toMatchObject({
        code: 'JOB_FAILED',
        message: expect.stringMatching(/^wasm core task fail failed in a worker: worker exited with code: 1/),
      });
      // A crash next to running tasks fails only itself.
      const settled = await Promise.allSettled([count(pool, 'x\n'), pool.run(CRASH), count(pool, 'y y\n')]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      // More tasks than threads, twice over: every worker slot works again.
      const texts = Array.from({ length: 6 }, (_, i) => `w${i} w${i} v\n`);
      expect(await Promise.all(texts.map((t) => count(pool, t)))).toEqual(texts.map((_, i) => [[`w${i}`, 2], ['v', 1]]));
    } finally {
      await pool.close();
    }
  });

  it('close() ends the workers; later tasks reject with CONTEXT_STOPPED; closing twice is fine', async () => {
    const pool = new WorkerPool(1);
    expect(await count(pool, 'a\n')).toEqual([['a', 1]]);
    await pool.close();
    await pool.close();
    await expect(count(pool, 'a\n')).rejects.toMatchObject({ code: 'CONTEXT_STOPPED' });
  });

  it('checks its thread count up front', () => {
    for (const threads of [0, 1.5, -1]) {
      expect(() => new WorkerPool(threads)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: `WorkerPool threads must be a positive integer, got ${threads}` }));
    }
  });
});

/** The pool the context's wasm core runs its kernels on (a private getter, reached on purpose). */
function poolOf(ssc: StreamingContext): WorkerPool {
  return (ssc.core as unknown as { pool: WorkerPool }).pool;
}

describe('a failing task in a running context', () => {
  it('fails only its batch, tells listeners why, and later batches run on replaced workers', async () => {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core: 'wasm', clock });
    const pool = poolOf(ssc);
    const queue = [['a b a'], ['b c'], ['c c'], ['d'], ['a']].map((lines) => textBatch(lines, 2));
    const outputs: [number, [string, number][], boolean][] = [];
    ssc
      .queueStream(queue)
      .flatMap(words)
      .map(pair(1))
      .reduceByKey(sum)
      .foreachRDD(async (batch, time) => {
        if (time === 2000) await pool.run(CRASH);
        if (time === 3000) await pool.run(TRAP);
        outputs.push([time, batch.collect().sort(), batch instanceof PackedBatch]);
      });
    const completed: OutputOperationInfo[] = [];
    const batches: number[] = [];
    ssc.addStreamingListener({
      onOutputOperationCompleted: ({ outputOperationInfo }) => void completed.push(outputOperationInfo),
      onBatchCompleted: ({ batchInfo }) => void batches.push(batchInfo.batchTime),
    });
    try {
      await ssc.start();
      await expect(clock.advance(5000)).rejects.toMatchObject({ code: 'JOB_FAILED' });
      expect(ssc.getState()).toBe('ACTIVE');
      expect(batches).toEqual([1000, 2000, 3000, 4000, 5000]);
      expect(completed.map((op) => [op.batchTime, op.failureReason?.split('\n')[0]])).toEqual([
        [1000, undefined],
        [2000, 'FlintError: wasm core task fail failed in a worker: worker exited with code: 1'],
        [3000, 'FlintError: wasm core task fail failed in a worker: unreachable (test trap)'],
        [4000, undefined],
        [5000, undefined],
      ]);
      expect(outputs).toEqual([
        [1000, [['a', 2], ['b', 1]], true],
        [4000, [['d', 1]], true],
        [5000, [['a', 1]], true],
      ]);
      // The context goes on: a batch queued now runs on the kernels as before.
      queue.push(textBatch(['e e f'], 2));
      await clock.advance(1000);
      expect(outputs.at(-1)).toEqual([6000, [['e', 2], ['f', 1]], true]);
      // awaitTermination reports the first failure, as Spark's does.
      await expect(ssc.awaitTerminationOrTimeout(0)).rejects.toMatchObject({ code: 'JOB_FAILED' });
    } finally {
      await ssc.stop();
    }
    await expect(pool.run(TRAP)).rejects.toMatchObject({ code: 'CONTEXT_STOPPED' });
  });
});

/** Runs `node ...args`; resolves with its exit code and output, or code 'running' (killed) after `ms`. */
/**
 * Runs node with `args`; reports 'running' if it has not exited `ms` after it started, or after
 * its stdout first contained `after` (for a check that must not depend on how busy the machine is).
 */
function runNode(args: string[], ms: number, after?: string): Promise<{ code: number | null | 'running'; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const startTimer = () =>
      (timer ??= setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ code: 'running', signal: null, stdout, stderr });
      }, ms));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (after !== undefined && stdout.includes(after)) startTimer();
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    if (after === undefined) startTimer();
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('ssc.stop()', () => {
  const index = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'src', 'index.js')).href;
  const textBatchModule = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'src', 'batch', 'text-batch.js')).href;

  /** A wasm word count on the system clock, from the built package; stops after two batches when `stop`. */
  const program = (stop: boolean) => `
    import { StreamingContext, pair, sum, words } from ${JSON.stringify(index)};
    import { blockOfLines, TextBatch } from ${JSON.stringify(textBatchModule)};
    const ssc = new StreamingContext({ batchInterval: 50, master: 'local[2]', core: 'wasm' });
    const batch = (lines) => TextBatch.fromBlocks([blockOfLines(lines)], 2);
    let seen = 0;
    let twoBatches;
    const done = new Promise((resolve) => (twoBatches = resolve));
    ssc.queueStream([batch(['a b a', 'c']), batch(['b'])]).flatMap(words).map(pair(1)).reduceByKey(sum)
      .foreachRDD((b) => {
        console.log(b.constructor.name, JSON.stringify(b.collect().sort()));
        if (++seen === 2) twoBatches();
      });
    await ssc.start();
    await done;
    ${stop ? "await ssc.stop(); console.log('stopped');" : ''}
  `;

  /** Runs `program(stop)` in a child node. */
  const runChild = (stop: boolean, ms: number, after?: string) => runNode(['--input-type=module', '-e', program(stop)], ms, after);

  it('shuts the pool and timers down: the process exits by itself', async () => {
    const { code, stdout, stderr } = await runChild(true, 5000);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('PackedBatch [["a",2],["b",1],["c",1]]\nPackedBatch [["b",1]]\nstopped\n');
  });

  it('(control) without stop() the same program keeps running', async () => {
    const { code, stdout } = await runChild(false, 1000, 'PackedBatch [["b",1]]');
    expect(stdout).toContain('PackedBatch [["b",1]]');
    expect(code).toBe('running');
  });
});

describe('closing the pool while its workers are still loading', () => {
  const dist = join(import.meta.dirname, '..', 'dist', 'src', 'pool');
  const entry = join(dist, 'worker-entry.cjs');

  // piscina require()s its task file. On Node 20 a worker terminated inside require() of an ES
  // module aborts the process, so the entry must load with require(esm) switched off.
  it('gives piscina a CommonJS entry that exports the task function', async () => {
    const pool = new WorkerPool(1);
    try {
      // (piscina's options, reached on purpose) the file piscina loads is that entry.
      expect((pool as unknown as { pool: { options: { filename: string } } }).pool.options.filename).toBe(entry);
    } finally {
      await pool.close();
    }
    const load = (file: string) => `console.log(typeof require(${JSON.stringify(file)}))`;
    expect(await runNode(['--no-experimental-require-module', '-e', load(entry)], 15_000)).toMatchObject({ code: 0, stdout: 'function\n', stderr: '' });
    // (control) the ES module worker behind it cannot be loaded that way.
    const esm = await runNode(['--no-experimental-require-module', '-e', load(join(dist, 'worker.js'))], 15_000);
    expect(esm.code).not.toBe(0);
    expect(esm.stderr).toContain('ERR_REQUIRE_ESM');
  });

  it('close() at any point of the start-up resolves, and the process exits cleanly', async () => {
    const program = `
      import { WorkerPool } from ${JSON.stringify(pathToFileURL(join(dist, 'pool.js')).href)};
      for (let i = 0; i < 24; i++) {
        const pool = new WorkerPool(2);
        await new Promise((resolve) => setTimeout(resolve, i % 12));
        await pool.close();
      }
      console.log('closed 24 pools');
    `;
    expect(await runNode(['--input-type=module', '-e', program], 15_000)).toEqual({ code: 0, signal: null, stdout: 'closed 24 pools\n', stderr: '' });
  });
});
