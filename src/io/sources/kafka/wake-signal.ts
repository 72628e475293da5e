// A wait on a condition that other code makes true: they call wake() after each change.

/** Waiters woken when what they wait for may have changed. */
export class WakeSignal {
  private waiters = new Set<() => void>();

  /** Lets every waiter check its condition again. */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) w();
  }

  /** Resolves true once `done()` holds, checked at each wake, or false after `timeoutMs` of real time. */
  async until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }
}
