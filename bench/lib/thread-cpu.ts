// CPU time of this process's threads, from /proc (Linux only): the main thread's, for the receive
// path's cost per MB, and the other threads' (the worker pool's, plus V8's and libuv's helpers,
// which stay small while the kernels count), for where a multi-worker run's time goes. A stream
// splits them further (ThreadSplit): its helpers (garbage collection) are not small.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

// CPU ms (user + system) in a /proc stat file: utime and stime, in 100 Hz ticks.
function statCpuMs(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU ms (user + system) of thread `tid` of this process so far. */
export function threadCpuMs(tid: number): number {
  return statCpuMs(`/proc/self/task/${tid}/stat`);
}

/** CPU ms of every thread but the main one, so far; undefined where /proc is not there. */
export function otherThreadsCpuMs(): number | undefined {
  const split = threadSplit(new Set());
  return split && split.helpersMs;
}

/** The ids of this process's threads now; empty where /proc is not there. */
export function threadIds(): Set<number> {
  if (!existsSync('/proc/self/task')) return new Set();
  return new Set(readdirSync('/proc/self/task').map(Number));
}

/** CPU ms of a whole process (all its threads) so far; undefined once it has exited or off Linux. */
export function processCpuMs(pid: number): number | undefined {
  try {
    return statCpuMs(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
}

/** This process's CPU ms so far, split: the main thread, the worker pool, and every other thread. */
export interface ThreadSplit {
  mainMs: number;
  workersMs: number;
  /** V8's platform threads (concurrent marking and sweeping), libuv's pool, and the like. */
  helpersMs: number;
}

/**
 * This process's CPU so far split by thread kind, the pool's workers being `workers` (the threads
 * a context's start created, see {@link threadIds}); undefined where /proc is not there.
 */
export function threadSplit(workers: ReadonlySet<number>): ThreadSplit | undefined {
  if (!existsSync('/proc/self/task')) return undefined;
  const split: ThreadSplit = { mainMs: 0, workersMs: 0, helpersMs: 0 };
  for (const tid of readdirSync('/proc/self/task').map(Number)) {
    let ms: number;
    try {
      ms = threadCpuMs(tid);
    } catch {
      continue; // The thread ended between the listing and the read.
    }
    if (tid === process.pid) split.mainMs += ms;
    else if (workers.has(tid)) split.workersMs += ms;
    else split.helpersMs += ms;
  }
  return split;
}
