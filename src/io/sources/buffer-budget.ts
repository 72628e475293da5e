// BufferBudget: the memory bound on received data (maxBufferedBytes). Every receiver stream of a
// context counts here the bytes it has received and not yet seen processed; while the budget is
// full, receivers stop reading.

/** How far the total must fall before a full budget lets receivers go again: 3/4 of the cap. */
const RESUME_FRACTION = 0.75;

/**
 * Bytes received but not yet processed, summed over all receivers of one context, against one cap.
 * The budget turns full when the total reaches the cap and stays full until the total falls to
 * three quarters of it: data leaves in whole batches, and the gap (hysteresis) keeps a receiver
 * from pausing and resuming on every chunk while a batch finishes. One cap for the whole context,
 * rather than one per receiver, so that adding receivers does not multiply the memory used.
 */
export class BufferBudget {
  private used = 0;
  private isFull = false;
  private readonly listeners = new Set<() => void>();

  /** `maxBytes` is the cap; `Infinity` turns the bound off. */
  constructor(readonly maxBytes: number) {}

  /** Bytes counted now. */
  get bytes(): number {
    return this.used;
  }

  /** True from reaching the cap until the total falls to 3/4 of it. */
  get full(): boolean {
    return this.isFull;
  }

  /** Counts `bytes` more. */
  add(bytes: number): void {
    this.used += bytes;
    if (this.used >= this.maxBytes) this.isFull = true;
  }

  /** Counts `bytes` less; when that ends a full spell, tells every listener. */
  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    if (!this.isFull || this.used > this.maxBytes * RESUME_FRACTION) return;
    this.isFull = false;
    for (const listener of [...this.listeners]) listener();
  }

  /** Calls `listener` whenever the budget stops being full; returns a function that unsubscribes. */
  onAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
