// Waiting with a real-time limit: what stop() uses, so that nothing it waits on (an output, a
// receiver's onStop) can hold it forever.

/** Longest delay setTimeout honours; longer ones (and Infinity) mean "no limit" here. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves `true` once `work` settles (fulfilled or rejected), or `false` when `ms` milliseconds
 * of real time pass first. `ms` of 2^31 - 1 or more, Infinity included, waits without a limit.
 */
export function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = work.then(
    () => true,
    () => true,
  );
  if (ms >= MAX_TIMER_MS) return settled;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    void settled.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Milliseconds left until `deadline`, a `performance.now()` time; never negative. */
export function remainingUntil(deadline: number): number {
  return Math.max(0, deadline - performance.now());
}
