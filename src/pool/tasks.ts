// The messages the worker pool carries: plain data and transferable buffers only.
import type { OpCode, ValueKind } from '../core/wasm/kernel-instance.js';

/** Tokenize whole lines and pre-aggregate per output partition (map-side combine). */
export interface CombineTextTask {
  kind: 'combineText';
  /** Whole lines of UTF-8 text; transferred to the worker. */
  bytes: Uint8Array;
  /** ASCII separator characters. */
  separators: string;
  /** The value each token contributes. */
  value: number;
  valueKind: ValueKind;
  op: OpCode;
  numPartitions: number;
  /**
   * Pieces of one run of text may be sent as several tasks, so the next piece is copied while the
   * worker counts this one: `run` names the run, `first` starts a fresh table and `last` returns
   * it packed. Only a pool of one thread may split a run (piscina has no worker affinity). Absent:
   * the task is a whole run.
   */
  run?: { id: number; first: boolean; last: boolean };
}

/** Makes the worker fail its task, for testing failure handling: a kernel trap or a crash. */
export interface FailTask {
  kind: 'fail';
  how: 'trap' | 'exit';
}

/** Any task. */
export type Task = CombineTextTask | FailTask;
