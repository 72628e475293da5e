// Where the TCP stream's time goes, for the report's issue-15 lines: CPU per MB by thread kind at
// the highest sustained rates (from /proc, recorded by the streaming workload), and the ceilings
// they imply on this machine's cores, next to the rates and ratios measured. Not targets.
import type { Results, SoakResult, StepCpu, StepResult, StreamingResult } from '../lib/results.js';
import { fmt, table } from './format.js';

/** All threads' CPU per MB received, generator included. */
const total = (c: StepCpu): number => c.mainMsPerMb + c.workersMsPerMb + c.helpersMsPerMb + c.generatorMsPerMb;

/** The most MB/s `cores` carry at `msPerMb` of CPU per MB. */
const ceiling = (cores: number, msPerMb: number): number => (cores * 1000) / msPerMb;

/** The explanations printed under three of issue 15's TCP targets. */
export interface StreamCpuLines {
  /** Under the highest sustained rate. */
  rate: string[];
  /** Under the stream's rate against one batch's. */
  vsOneBatch: string[];
  /** Under local[*] against 1 worker. */
  scaling: string[];
}

/**
 * `tcp` and `tcp1` are the highest sustained steps of wasm local[*] and 1 worker; `oneBatch` the
 * one-batch local[*] rate of the word count (MB/s).
 */
export function streamCpuLines(r: Results, tcp: StepResult | undefined, tcp1: StepResult | undefined, oneBatch: number | undefined): StreamCpuLines {
  const none: StreamCpuLines = { rate: [], vsOneBatch: [], scaling: [] };
  const cores = r.streaming?.cores;
  const c = tcp?.cpu;
  if (!tcp || !c || !cores) return none;
  const all = total(c);
  const cap = ceiling(cores, all);
  const lines: StreamCpuLines = {
    rate: [
      `  - where the CPU went at ${fmt(tcp.mbPerS)} MB/s (threads, from /proc), per MB received: the workers ${fmt(c.workersMsPerMb, 2)} ms, ` +
        `the main thread ${fmt(c.mainMsPerMb, 2)}, V8's and libuv's other threads (garbage collection) ${fmt(c.helpersMsPerMb, 2)}, ` +
        `the generator ${fmt(c.generatorMsPerMb, 2)}: ${fmt(all, 2)} ms in all, with the ${cores} cores ${fmt(100 * (c.busyCores / cores), 0)}% busy; ` +
        `at ${fmt(all, 2)} ms per MB, ${cores} cores carry at most **${fmt(cap)} MB/s**`,
    ],
    vsOneBatch: [],
    scaling: [],
  };
  if (oneBatch) {
    lines.vsOneBatch.push(
      `  - one batch needs only the workers' CPU; the stream also pays the receive path, garbage collection and the generator on the same cores: ` +
        `its ${fmt(all, 2)} ms per MB allow at most ${fmt(cap)} MB/s, **${fmt(cap / oneBatch, 2)}x** the one-batch rate`,
    );
  }
  const c1 = tcp1?.cpu;
  if (tcp1 && c1 && c1.workersMsPerMb > 0) {
    // One worker thread uses at most one core, and everything together at most all of them.
    const cap1 = Math.min(ceiling(1, c1.workersMsPerMb), ceiling(cores, total(c1)));
    lines.scaling.push(
      `  - with 1 worker, its thread spent ${fmt(c1.workersMsPerMb, 2)} ms per MB at ${fmt(tcp1.mbPerS)} MB/s: one core carries it at most ${fmt(cap1)} MB/s; ` +
        `local[*] shares the ${cores} cores with the receive path and the generator (${fmt(all, 2)} ms per MB in all): at most ${fmt(cap)} MB/s; ` +
        `so at most **${fmt(cap / cap1, 2)}x** on this machine`,
    );
  }
  return lines;
}

/** Under the latency target: what a record waits for, from the soak run. */
export function latencyLines(soak: SoakResult | undefined, batchMs: number): string[] {
  if (soak?.outputDelayP50 === undefined || soak.outputDelayP99 === undefined) return [];
  return [
    `  - where it goes: a record first waits for its batch to close (uniform over the ${batchMs} ms interval: ${batchMs / 2} ms at the median, ` +
      `${fmt(0.99 * batchMs, 0)} ms at p99), then from the batch time to the output p50 **${fmt(soak.outputDelayP50, 0)} ms**, p99 ${fmt(soak.outputDelayP99, 0)} ms ` +
      '(the last block counted, the merge and pack, the output collecting every pair)',
  ];
}

/** Section 3's table of CPU per MB at each contestant's highest sustained rate, when recorded. */
export function streamCpuTable(s: StreamingResult): string[] {
  const rows = s.rows.filter((r) => r.best?.cpu);
  if (rows.length === 0) return [];
  return [
    `CPU per MB received at each contestant's highest sustained rate (ms; threads' CPU from /proc over the judged seconds; the generator is the process writing the socket, on the same ${s.cores ?? ''} cores):`,
    '',
    table(
      ['contestant', 'MB/s', 'workers', 'main thread', 'other threads (GC, libuv)', 'generator', 'all', 'cores busy'],
      ['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'],
      rows.map((r) => {
        const c = r.best!.cpu!;
        return [r.name, fmt(r.best!.mbPerS), fmt(c.workersMsPerMb, 2), fmt(c.mainMsPerMb, 2), fmt(c.helpersMsPerMb, 2), fmt(c.generatorMsPerMb, 2), fmt(total(c), 2), fmt(c.busyCores, 2)];
      }),
    ),
    '',
  ];
}
