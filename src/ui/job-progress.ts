// What the web UI knows about a running context, fed by the listener bus (Spark's
// StreamingJobProgressListener): the batches waiting and running, a bounded history of completed
// ones, receivers and running totals. Every event costs O(1); reading it is the REST API's work.
import type { BatchInfo, OutputOperationInfo, ReceiverInfo, StreamingListener } from '../scheduler/listener.js';

/** Where a batch is in its life, as Spark's REST API names it. */
export type BatchStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED';

/** True when an output operation of the batch failed (or was abandoned by stop()). */
export function batchFailed(batch: BatchInfo): boolean {
  return batch.outputOperationInfos.some((op) => op.failureReason !== undefined);
}

/** Listener that keeps the state the web UI shows; the bus gives it its own copy of each event. */
export class StreamingJobProgressListener implements StreamingListener {
  /** Clock time of `onStreamingStarted`. */
  startTime: number | undefined;
  /** Batches submitted, not yet started, by batch time. */
  readonly waitingBatches = new Map<number, BatchInfo>();
  /** Batches running, by batch time. */
  readonly runningBatches = new Map<number, BatchInfo>();
  /** Receivers (and other input streams) by `streamId`. */
  readonly receivers = new Map<number, ReceiverInfo>();
  numTotalCompletedBatches = 0;
  numTotalFailedBatches = 0;
  numTotalProcessedRecords = 0;
  numTotalReceivedRecords = 0;
  // Completed batch number i sits at completed[i % retainedBatches] while it is retained.
  private readonly completed: BatchInfo[] = [];

  constructor(readonly retainedBatches: number) {}

  onStreamingStarted({ time }: { time: number }): void {
    this.startTime = time;
  }

  onReceiverStarted({ receiverInfo }: { receiverInfo: ReceiverInfo }): void {
    this.receivers.set(receiverInfo.streamId, receiverInfo);
  }

  onReceiverError({ receiverInfo }: { receiverInfo: ReceiverInfo }): void {
    this.receivers.set(receiverInfo.streamId, receiverInfo);
  }

  onReceiverStopped({ receiverInfo }: { receiverInfo: ReceiverInfo }): void {
    this.receivers.set(receiverInfo.streamId, receiverInfo);
  }

  onBatchSubmitted({ batchInfo }: { batchInfo: BatchInfo }): void {
    this.waitingBatches.set(batchInfo.batchTime, batchInfo);
    this.numTotalReceivedRecords += batchInfo.numRecords;
  }

  onBatchStarted({ batchInfo }: { batchInfo: BatchInfo }): void {
    this.waitingBatches.delete(batchInfo.batchTime);
    this.runningBatches.set(batchInfo.batchTime, batchInfo);
  }

  onOutputOperationStarted({ outputOperationInfo }: { outputOperationInfo: OutputOperationInfo }): void {
    this.updateOutputOperation(outputOperationInfo);
  }

  onOutputOperationCompleted({ outputOperationInfo }: { outputOperationInfo: OutputOperationInfo }): void {
    this.updateOutputOperation(outputOperationInfo);
  }

  onBatchCompleted({ batchInfo }: { batchInfo: BatchInfo }): void {
    this.waitingBatches.delete(batchInfo.batchTime);
    this.runningBatches.delete(batchInfo.batchTime);
    this.completed[this.numTotalCompletedBatches % this.retainedBatches] = batchInfo;
    this.numTotalCompletedBatches++;
    this.numTotalProcessedRecords += batchInfo.numRecords;
    if (batchFailed(batchInfo)) this.numTotalFailedBatches++;
  }

  /** Completed batches still retained, oldest first. */
  retainedCompletedBatches(): BatchInfo[] {
    return this.completedSince(0);
  }

  /** Retained completed batches from the `index`-th completed one on (0-based), oldest first. */
  completedSince(index: number): BatchInfo[] {
    const first = Math.max(index, this.numTotalCompletedBatches - this.retainedBatches);
    const batches: BatchInfo[] = [];
    for (let i = first; i < this.numTotalCompletedBatches; i++) batches.push(this.completed[i % this.retainedBatches]!);
    return batches;
  }

  /** Waiting, running and retained completed batches with their status, newest first. */
  batchesWithStatus(): { batch: BatchInfo; status: BatchStatus }[] {
    const all = [
      ...this.retainedCompletedBatches().map((batch) => ({ batch, status: 'COMPLETED' as const })),
      ...[...this.runningBatches.values()].map((batch) => ({ batch, status: 'PROCESSING' as const })),
      ...[...this.waitingBatches.values()].map((batch) => ({ batch, status: 'QUEUED' as const })),
    ];
    return all.sort((a, b) => b.batch.batchTime - a.batch.batchTime);
  }

  // Output operations are reported with the batch they belong to, which is running.
  private updateOutputOperation(op: OutputOperationInfo): void {
    const batch = this.runningBatches.get(op.batchTime);
    const i = batch?.outputOperationInfos.findIndex((o) => o.id === op.id) ?? -1;
    if (batch && i >= 0) batch.outputOperationInfos[i] = op;
  }
}
