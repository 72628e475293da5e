// Workload 4, RSS over time: the streaming job of workload 3 (wasm core, local[*]) in a fresh
// process at a fixed rate (half the highest rate workload 3 sustained, when it ran) for the soak
// duration, sampling the process's RSS every second. Reports the samples and their slope.
import { writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { zipfCorpus } from '../corpus.js';
import { childConfig, finish, progress } from '../lib/child.js';
import type { SoakResult } from '../lib/results.js';
import { percentile, slope } from '../lib/stats.js';
import { BATCH_MS, Generator, StreamingJob } from '../stream/job.js';

async function main(): Promise<void> {
  const config = childConfig();
  const { soakSeconds: seconds, soakMbPerS: mbPerS } = config.memory;
  const master = `local[${availableParallelism()}]`;
  const name = `Flint wasm core, ${master}`;
  const file = join(tmpdir(), `flint-bench-soak-${process.pid}.txt`);
  writeFileSync(file, zipfCorpus(config.streaming.corpusMb * 1e6, 100_000, 11));
  const gen = await Generator.start(file);
  const job = await StreamingJob.start('wasm', master, gen.port);
  gen.setRate(mbPerS);
  const samples: [number, number][] = [];
  const start = performance.now();
  for (let s = 1; s <= seconds; s++) {
    await sleep(start + s * 1000 - performance.now());
    samples.push([s, process.memoryUsage.rss() / 2 ** 20]);
    progress(s / seconds, `${name} at ${mbPerS.toFixed(1)} MB/s, ${s}/${seconds} s, RSS ${samples.at(-1)![1].toFixed(0)} MB`);
  }
  gen.setRate(0);
  await job.stop();
  await gen.stop();
  const latencies = job.batches.flatMap((b) => b.latencies);
  const outputDelays = job.batches.flatMap((b) => (b.outputDelay === undefined ? [] : [b.outputDelay]));
  const result: SoakResult = {
    name,
    mbPerS,
    seconds,
    samples,
    slopeMbPerMin: slope(samples.filter(([t]) => t >= 0.2 * seconds)) * 60,
    batches: job.batches.length,
    failedBatches: job.batches.filter((b) => b.processingDelay >= BATCH_MS).length,
    latencyP50: percentile(latencies, 50),
    latencyP99: percentile(latencies, 99),
    outputDelayP50: percentile(outputDelays, 50),
    outputDelayP99: percentile(outputDelays, 99),
  };
  finish(result);
}

await main();
