// The receiver limits of a StreamingContext: its rate and memory options checked once, with the
// default memory bound, and the budget its receiver streams share.
import { getHeapStatistics } from 'node:v8';
import { FlintError } from '../../errors.js';
import type { StreamingContextOptions } from '../../streaming/context.js';
import { BufferBudget } from './buffer-budget.js';

/** The checked limits every receiver stream of a context follows. */
export interface ReceiverLimits {
  /** Records/s per receiver; `Infinity` when unlimited. */
  readonly receiverMaxRate: number;
  /** Whether a PID estimator sets each receiver's rate from its completed batches. */
  readonly backpressure: boolean;
  /** Records/s per receiver until backpressure's first estimate; undefined: `receiverMaxRate`. */
  readonly backpressureInitialRate: number | undefined;
  /** The memory bound shared by the context's receivers. */
  readonly budget: BufferBudget;
  /** Ms between blocks handed to the core while a batch fills (Spark's block interval). */
  readonly blockInterval: number;
}

/**
 * The default block interval, ms. Spark's is 200 because each block becomes a task; here a block
 * only hands text to the workers, so shorter ones leave less to count at the batch time (at 80 MB/s
 * on 2 cores a batch's output came about 100 ms sooner than with 200) for the same CPU per MB.
 */
export const DEFAULT_BLOCK_INTERVAL = 50;

const MiB = 1024 * 1024;

/**
 * The default `maxBufferedBytes`: 1/64 of the JS heap limit, kept between 16 and 256 MiB (64 MiB
 * with a 4 GiB limit, Node's usual default on 64-bit machines). Why so small a share: while a
 * batch goes through JS functions (any lambda, and every operation on the js core), each received
 * byte becomes lines, words and pairs on the heap: measured at 24 to 27 heap bytes per byte of
 * ordinary text and 45 for one-letter words. With 1/64 of the heap received, a whole batch of
 * ordinary text takes under half the heap, and the worst case about 70% of it.
 * The wasm core's kernels keep text outside the heap, so kernel-only pipelines can afford a
 * larger bound, and need one to go faster than about the bound per batch interval.
 */
export function defaultMaxBufferedBytes(): number {
  // Whole MiB: V8's limit is a little over a round number (4144 MiB for "4 GiB").
  const share = Math.floor(getHeapStatistics().heap_size_limit / 64 / MiB) * MiB;
  return Math.min(256 * MiB, Math.max(16 * MiB, share));
}

type LimitOptions = Pick<StreamingContextOptions, 'receiverMaxRate' | 'backpressure' | 'backpressureInitialRate' | 'maxBufferedBytes' | 'blockInterval'>;

/** Checks the rate and memory options of a context; every mistake throws a FlintError naming the option. */
export function receiverLimits(options: LimitOptions): ReceiverLimits {
  const { receiverMaxRate, backpressure, backpressureInitialRate, maxBufferedBytes, blockInterval } = options;
  if (receiverMaxRate !== undefined && !(typeof receiverMaxRate === 'number' && receiverMaxRate > 0)) {
    throw invalid(`options.receiverMaxRate must be a positive number of records per second (or Infinity for no limit), got ${String(receiverMaxRate)}`);
  }
  if (backpressure !== undefined && typeof backpressure !== 'boolean') {
    throw invalid(`options.backpressure must be true or false, got ${String(backpressure)}`);
  }
  if (backpressureInitialRate !== undefined) {
    if (!(typeof backpressureInitialRate === 'number' && backpressureInitialRate > 0 && backpressureInitialRate < Infinity)) {
      throw invalid(`options.backpressureInitialRate must be a positive, finite number of records per second, got ${String(backpressureInitialRate)}`);
    }
    if (backpressure !== true) {
      throw invalid('options.backpressureInitialRate only applies with backpressure; add backpressure: true or drop backpressureInitialRate');
    }
  }
  if (maxBufferedBytes !== undefined && !(typeof maxBufferedBytes === 'number' && maxBufferedBytes >= 1 && (Number.isSafeInteger(maxBufferedBytes) || maxBufferedBytes === Infinity))) {
    throw invalid(`options.maxBufferedBytes must be a whole number of bytes of at least 1 (or Infinity for no bound), got ${String(maxBufferedBytes)}`);
  }
  if (blockInterval !== undefined && !(typeof blockInterval === 'number' && blockInterval > 0 && Number.isFinite(blockInterval))) {
    throw invalid(`options.blockInterval must be a positive, finite number of ms, got ${String(blockInterval)}`);
  }
  return {
    blockInterval: blockInterval ?? DEFAULT_BLOCK_INTERVAL,
    receiverMaxRate: receiverMaxRate ?? Infinity,
    backpressure: backpressure ?? false,
    backpressureInitialRate,
    budget: new BufferBudget(maxBufferedBytes ?? defaultMaxBufferedBytes()),
  };
}

function invalid(message: string): FlintError {
  return new FlintError('INVALID_ARGUMENT', `StreamingContext ${message}`);
}
