// TerminationWaiter: what awaitTermination waits on; remembers the first error or the stop.

type Outcome = { kind: 'stopped' } | { kind: 'error'; error: unknown };

/** Spark's `ContextWaiter`: stop or error, whichever comes first, settles every waiter. */
export class TerminationWaiter {
  private outcome: Outcome | undefined;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];

  /** Records an error; waiters reject with the first one. */
  notifyError(error: unknown): void {
    if (this.outcome?.kind === 'error') return;
    this.settle({ kind: 'error', error });
  }

  /** Records the stop; waiters resolve unless an error came first. */
  notifyStop(): void {
    if (!this.outcome) this.settle({ kind: 'stopped' });
  }

  /** Resolves on stop, rejects on error. */
  wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.outcome) this.deliver(this.outcome, resolve, reject);
      else this.waiters.push({ resolve, reject });
    });
  }

  /** Resolves `true` on stop, `false` after `ms`; rejects on error. */
  waitFor(ms: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.wait().then(
        () => (clearTimeout(timer), resolve(true)),
        (e) => (clearTimeout(timer), reject(e)),
      );
    });
  }

  private settle(outcome: Outcome): void {
    this.outcome = outcome;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) this.deliver(outcome, w.resolve, w.reject);
  }

  private deliver(outcome: Outcome, resolve: () => void, reject: (e: unknown) => void): void {
    if (outcome.kind === 'stopped') resolve();
    else reject(outcome.error);
  }
}
