// CPU time of this process's threads, from /proc (Linux only): the main thread's, for the receive
// path's cost per MB, and the other threads' (the worker pool's, plus V8's and libuv's helpers,
// which stay small while the kernels count), for where a multi-worker run's time goes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU ms (user + system) of thread `tid` of this process so far. */
export function threadCpuMs(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in 100 Hz ticks
}

/** CPU ms of every thread but the main one, so far; undefined where /proc is not there. */
export function otherThreadsCpuMs(): number | undefined {
  if (!existsSync('/proc/self/task')) return undefined;
  let total = 0;
  for (const tid of readdirSync('/proc/self/task').map(Number)) {
    if (tid === process.pid) continue;
    try {
      total += threadCpuMs(tid);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}
