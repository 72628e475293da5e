// Streaming listener events, with Spark's BatchInfo fields, and the bus that delivers them.

/** Outcome of one output operation in one batch (Spark's `OutputOperationInfo`). */
export interface OutputOperationInfo {
  batchTime: number;
  /** Index of the output operation in definition order. */
  id: number;
  /** Operation name, e.g. `print(10)`, `foreachRDD`. */
  name: string;
  description: string;
  startTime?: number;
  endTime?: number;
  /**
   * Set when the operation failed: the error's stack (or message); or, when `stop()` gave up
   * waiting for it, a `FlintError [OUTPUT_ABANDONED]` text naming the limit.
   */
  failureReason?: string;
}

/** One batch's timing (Spark's `BatchInfo`); times are clock milliseconds. */
export interface BatchInfo {
  batchTime: number;
  /** Records received by all input streams for this batch. */
  numRecords: number;
  /**
   * Records of each input stream, keyed by its `streamId` (its index among the context's input
   * streams, as in {@link ReceiverInfo}); Spark's `streamIdToInputInfo` without the metadata.
   */
  streamIdToNumRecords?: Record<number, number>;
  /**
   * When the batch was due: its batch time (for a batch replayed after a restart, the restart).
   * The batch cut (assigning received data to the batch) comes after it, so it is counted.
   */
  submissionTime: number;
  processingStartTime?: number;
  processingEndTime?: number;
  /**
   * processingStartTime - submissionTime: the batch cut, plus the wait for the batches before
   * this one.
   */
  schedulingDelay?: number;
  /** processingEndTime - processingStartTime. */
  processingDelay?: number;
  /** schedulingDelay + processingDelay: from the batch time to the end of its outputs, what a user waits past the batch time. */
  totalDelay?: number;
  outputOperationInfos: OutputOperationInfo[];
}

/** State of a receiver or other input source (Spark's `ReceiverInfo`). */
export interface ReceiverInfo {
  streamId: number;
  name: string;
  active: boolean;
  lastErrorMessage: string;
  lastError: string;
  lastErrorTime: number;
  /** Records the source skipped as malformed so far (lines over `maxLineBytes`); 0 if none. */
  droppedRecords: number;
}

/** A checkpoint that was written (`onCheckpointCompleted`). */
export interface CheckpointInfo {
  /** The batch time it follows. */
  time: number;
  /** Bytes of the files written for it (state, panes and metadata; files reused are not counted). */
  bytesWritten: number;
  /** Wall time spent writing it, in ms. */
  durationMs: number;
}

/** A checkpoint that could not be written, or could not be read back on recovery. */
export interface CheckpointProblem {
  /** The batch time of the checkpoint concerned. */
  time: number;
  /** What went wrong, naming the file. */
  message: string;
  /** The checkpoint recovery used instead, if it fell back to an older one. */
  fallbackTime?: number;
}

/**
 * The memory bound when a receiver is held back or let go: received-but-unprocessed bytes of all
 * the context's receivers against `maxBufferedBytes`. Flint's own; Spark has no such bound.
 */
export interface ReceiverThrottleInfo {
  /** Received-but-unprocessed bytes when the event was posted. */
  bufferedBytes: number;
  /** The context's `maxBufferedBytes`. */
  maxBufferedBytes: number;
  /** Clock time of the event, ms. */
  time: number;
}

/** Callbacks for streaming events; implement any subset (Spark's `StreamingListener`). */
export interface StreamingListener {
  onStreamingStarted?(event: { time: number }): void;
  onReceiverStarted?(event: { receiverInfo: ReceiverInfo }): void;
  onReceiverError?(event: { receiverInfo: ReceiverInfo }): void;
  onReceiverStopped?(event: { receiverInfo: ReceiverInfo }): void;
  /**
   * The memory bound is reached: this receiver stops reading (a socket or stdin is paused, so
   * the sender is slowed by TCP or the pipe) until processed batches free memory. Flint's own.
   */
  onReceiverThrottled?(event: { receiverInfo: ReceiverInfo; throttleInfo: ReceiverThrottleInfo }): void;
  /** The receiver reads again after {@link StreamingListener.onReceiverThrottled}. Flint's own. */
  onReceiverResumed?(event: { receiverInfo: ReceiverInfo; throttleInfo: ReceiverThrottleInfo }): void;
  onBatchSubmitted?(event: { batchInfo: BatchInfo }): void;
  onBatchStarted?(event: { batchInfo: BatchInfo }): void;
  onBatchCompleted?(event: { batchInfo: BatchInfo }): void;
  onOutputOperationStarted?(event: { outputOperationInfo: OutputOperationInfo }): void;
  onOutputOperationCompleted?(event: { outputOperationInfo: OutputOperationInfo }): void;
  /** A checkpoint was written and is complete. */
  onCheckpointCompleted?(event: { checkpointInfo: CheckpointInfo }): void;
  /** Writing a checkpoint failed; the context goes on, and recovery would use an older one. */
  onCheckpointFailed?(event: { problem: CheckpointProblem }): void;
  /** Recovery found a checkpoint torn, truncated or corrupt and used an older one (posted at start()). */
  onCheckpointFallback?(event: { problem: CheckpointProblem }): void;
}

type EventName = keyof StreamingListener;
type EventOf<E extends EventName> = Parameters<NonNullable<StreamingListener[E]>>[0];

/** Delivers events to listeners in registration order; a throwing listener never stops a batch. */
export class ListenerBus {
  private readonly listeners: StreamingListener[] = [];

  /** Adds a listener. */
  add(listener: StreamingListener): void {
    this.listeners.push(listener);
  }

  /** Removes a listener. */
  remove(listener: StreamingListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /** Sends `event` to every listener that handles `name`. */
  post<E extends EventName>(name: E, event: EventOf<E>): void {
    for (const listener of this.listeners) {
      try {
        // Each listener gets its own copy, so one cannot change what the next one sees.
        (listener[name] as ((e: EventOf<E>) => void) | undefined)?.call(listener, structuredClone(event));
      } catch (error) {
        process.emitWarning(`streaming listener ${name} threw: ${(error as Error)?.message ?? String(error)}`, 'FlintListenerWarning');
      }
    }
  }
}

