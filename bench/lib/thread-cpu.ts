// CPU time of this process's threads other than the main one (the worker pool's, plus V8's and
// libuv's helpers, which stay small while the kernels count), from /proc: where a multi-worker
// run's time goes, busy workers or waiting ones. Linux only; elsewhere `undefined`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU ms of every thread but the main one, so far; undefined where /proc is not there. */
export function otherThreadsCpuMs(): number | undefined {
  if (!existsSync('/proc/self/task')) return undefined;
  let total = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    if (Number(tid) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, 100 Hz ticks
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}
