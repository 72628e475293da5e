// The messages the worker pool carries: plain data, transferable buffers and message ports only.
import type { MessagePort } from 'node:worker_threads';
import type { Kernels, OpCode, ValueKind } from '../core/wasm/kernel-instance.js';

/**
 * Counts the tokens of pieces of text sent over `port` (see {@link CountRequest}) and
 * pre-aggregates them per output partition (map-side combine). The task holds its worker until
 * the run ends, which gives the run the worker affinity piscina does not have: pieces of one
 * segment all reach the table that holds it.
 */
export interface CountTextTask {
  kind: 'countText';
  /** The worker's end of the run's channel; transferred to the worker. */
  port: MessagePort;
  /** ASCII separator characters. */
  separators: string;
  /** Split as JS's `line.split(sep)` does, keeping empty tokens (see {@link Kernels.addTokens}). */
  fields: boolean;
  /** The value each token contributes. */
  value: number;
  valueKind: ValueKind;
  op: OpCode;
  numPartitions: number;
  /**
   * When set, a segment's table is sent back (and a fresh one started for the rest of the
   * segment) once it would pack to this many bytes, so a worker's table stays small however many
   * keys a batch has. Only for results that do not depend on how a segment is cut (exact sums,
   * min, max): the main thread merges a segment's partials in order.
   */
  flushBytes?: number;
}

/**
 * Main thread to worker: whole lines of UTF-8 text (transferred) for the table of `segment` (a new
 * segment starts a fresh table and sends the previous one back packed), or the end of the run.
 */
export type CountRequest = { kind: 'piece'; bytes: Uint8Array; segment: number } | { kind: 'end' };

/**
 * Worker to main thread, in this order per run: the input buffer of each counted piece (for
 * reuse), the packed table(s) of each finished segment, in order, and `done` after the last of them.
 */
export type CountReply =
  | { kind: 'pieceDone'; input: ArrayBuffer }
  | { kind: 'partial'; segment: number; packed: ArrayBuffer }
  | { kind: 'done' };

/** Makes the worker fail its task, for testing failure handling: a kernel trap or a crash. */
export interface FailTask {
  kind: 'fail';
  how: 'trap' | 'exit';
}

/** Any task. */
export type Task = CountTextTask | FailTask;
