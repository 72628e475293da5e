// What the streaming workload's generator process and its parent say to each other, and the
// timestamp token the generator puts in the text.

/** Messages from the parent: the input rate in bytes per second (0 pauses), or stop. */
export type GeneratorCommand = { rate: number } | { stop: true };

/** The generator's counters, sent every 250 ms. */
export interface GeneratorStats {
  time: number;
  sentBytes: number;
  /** Bytes the rate asked for so far. */
  dueBytes: number;
  /** Bytes written to the socket and not yet flushed to the kernel. */
  backlogBytes: number;
  connections: number;
}

/** Messages to the parent: the port it listens on, then counters. */
export type GeneratorReport = { listening: number } | { stats: GeneratorStats };

/** Prefix of the timestamp tokens (`~<ms>`); it sorts apart from the corpus's lowercase words. */
export const MARKER = '~';
