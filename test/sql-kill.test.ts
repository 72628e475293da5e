// Kill test for Structured Streaming: a job in its own process is SIGKILLed at random points while
// input files keep arriving, restarted on the same checkpoint locations each time, and its results
// must be exact: the complete-mode counts equal the input's, and the file sink holds every word
// once. Needs the built package (npm test builds it first).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSinkLog } from '../src/sql/sinks/file-sink-log.js';
import { CORES } from './support/harness.js';
import { mulberry32, randomInt } from './support/random-text.js';
import { sleep, waitFor } from './support/sources-helpers.js';
import { removeTempDirs, tempDir } from './support/stream-test.js';

const JOB = new URL('./fixtures/sql-kill-job.mjs', import.meta.url).pathname;
const KILLS = 4;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  if (!process.env.FLINT_KEEP_KILL_DIRS) removeTempDirs();
});

function startJob(core: string, root: string): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, [JOB, core, join(root, 'in'), root], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
  child.on('exit', (code) => code !== null && code !== 0 && console.error(`sql-kill-job exited ${code}: ${err}`));
  children.push(child);
  return { child, out: () => out };
}

/** Word counts of the words json sink, through its log (what a reader of the sink sees). */
function sinkWords(root: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(join(root, 'words', FileSinkLog.DIR))) return counts;
  // The newest compact file and the batches after it name every committed part file.
  for (const { path } of new FileSinkLog(join(root, 'words')).allFiles()) {
    for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
      const { word } = JSON.parse(line) as { word: string };
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return counts;
}

function latestCounts(root: string): Record<string, number> {
  try {
    return (JSON.parse(readFileSync(join(root, 'counts.json'), 'utf8')) as { table: Record<string, number> }).table;
  } catch {
    return {};
  }
}

const sortedEntries = (m: Map<string, number> | Record<string, number>): [string, number][] =>
  (m instanceof Map ? [...m] : Object.entries(m)).sort(([a], [b]) => (a < b ? -1 : 1));

describe.each(CORES)('Structured Streaming under SIGKILL (%s core)', (core) => {
  it('resumes exactly from its checkpoint locations: no word lost or counted twice', async () => {
    const root = tempDir('flint-sql-kill-');
    mkdirSync(join(root, 'in'));
    const rng = mulberry32(core === 'js' ? 17 : 23);
    const totals = new Map<string, number>();
    let n = 0;
    const writeFile = (): void => {
      const lines = Array.from({ length: 1 + randomInt(rng, 8) }, () => Array.from({ length: 1 + randomInt(rng, 5) }, () => `w${randomInt(rng, 25)}`));
      for (const w of lines.flat()) totals.set(w, (totals.get(w) ?? 0) + 1);
      const name = `f${String(n++).padStart(5, '0')}.txt`;
      writeFileSync(join(root, 'in', `.${name}`), lines.map((l) => l.join(' ')).join('\n') + '\n');
      renameSync(join(root, 'in', `.${name}`), join(root, 'in', name));
    };
    let producing = true;
    const feeding = (async () => {
      while (producing) {
        writeFile();
        await sleep(15 + randomInt(rng, 30));
      }
    })();
    try {
      for (let run = 0; run <= KILLS; run++) {
        const job = startJob(core, root);
        await waitFor(() => job.out().includes('started'), 'the job to start', 20_000);
        if (run === KILLS) break;
        await sleep(300 + randomInt(rng, 900));
        job.child.kill('SIGKILL');
        await once(job.child, 'exit');
      }
    } finally {
      producing = false;
      await feeding;
    }
    const expected = sortedEntries(totals);
    for (let waited = 0; JSON.stringify(sortedEntries(latestCounts(root))) !== JSON.stringify(expected); waited += 200) {
      if (waited > 30_000) break;
      await sleep(200);
    }
    expect(sortedEntries(latestCounts(root))).toEqual(expected);
    for (let waited = 0; JSON.stringify(sortedEntries(sinkWords(root))) !== JSON.stringify(expected) && waited < 30_000; waited += 200) await sleep(200);
    expect(sortedEntries(sinkWords(root))).toEqual(expected);
  }, 120_000);
});
