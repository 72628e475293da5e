// What `flint wordcount` reports besides the counts: a live status line on a terminal and a
// closing summary, both built from streaming listener events (Spark's BatchInfo).
import type { TextOutput } from '../dstream/operator.js';
import type { BatchInfo, StreamingListener } from '../scheduler/listener.js';

const number = new Intl.NumberFormat('en-US');

/** Totals of one run. */
export interface RunSummary {
  batches: number;
  /** Records (lines) received. */
  records: number;
  words: number;
  elapsedMs: number;
}

/**
 * Counts completed batches and their records; the job adds the words it counted. A batch whose
 * output the stop abandoned (see StreamingContext.stop) does not count as completed.
 */
export class RunStats implements StreamingListener, RunSummary {
  batches = 0;
  records = 0;
  words = 0;
  elapsedMs = 0;
  private submitted = 0;

  /** Batches that were submitted but not completed: dropped or abandoned by a stop. */
  get unprocessed(): number {
    return this.submitted - this.batches;
  }

  onBatchSubmitted(): void {
    this.submitted++;
  }

  onBatchCompleted({ batchInfo }: { batchInfo: BatchInfo }): void {
    if (batchInfo.outputOperationInfos.some((op) => op.failureReason?.startsWith(ABANDONED))) return;
    this.batches++;
    this.records += batchInfo.numRecords;
  }
}

// How the failureReason of an output abandoned by stop() begins.
const ABANDONED = 'FlintError [OUTPUT_ABANDONED]';

/** The notice when a graceful stop ran out of time: `flint: the graceful stop ... 3 batches ...`. */
export function formatUnprocessed(batches: number, gracefulTimeout: number): string {
  return (
    `flint: the graceful stop gave up after ${gracefulTimeout / 1000} s (--graceful-timeout): ` +
    `${count(batches, 'batch', 'batches')} received ${batches === 1 ? 'was' : 'were'} not processed\n`
  );
}

/** The summary line: `flint: 10 batches, 200,000 records, 1,700,000 words in 10.0 s (170,000 words/s)`. */
export function formatSummary(s: RunSummary): string {
  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(s.words / seconds) : 0;
  return (
    `flint: ${count(s.batches, 'batch', 'batches')}, ${count(s.records, 'record', 'records')}, ` +
    `${count(s.words, 'word', 'words')} in ${seconds.toFixed(1)} s (${number.format(rate)} words/s)\n`
  );
}

function count(n: number, one: string, many: string): string {
  return `${number.format(n)} ${n === 1 ? one : many}`;
}

/** One batch's status: input rate over the batch interval, processing time, scheduling delay. */
export function formatStatus(info: BatchInfo, batchInterval: number): string {
  const rate = Math.round((info.numRecords * 1000) / batchInterval);
  return (
    `input ${number.format(rate)} records/s | processing ${info.processingDelay ?? 0} ms | ` +
    `scheduling delay ${info.schedulingDelay ?? 0} ms`
  );
}

/** A byte count for people: `512 bytes`, `64 KiB`, `64 MiB`, `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit > 0 && value < 10 ? Number(value.toFixed(1)) : Math.round(value)} ${units[unit]}`;
}

/**
 * Says once, on `err`, that the input stopped being read because the memory bound was reached: a
 * new user piping a fast input in learns why, without a line at every batch.
 */
export function firstThrottleNotice(err: TextOutput): StreamingListener {
  let told = false;
  return {
    onReceiverThrottled: ({ throttleInfo }) => {
      if (told) return;
      told = true;
      err.write(
        `flint: input paused: ${formatBytes(throttleInfo.maxBufferedBytes)} received and not yet processed (--max-buffered); ` +
          'reading resumes as batches finish (further pauses are not reported)\n',
      );
    },
  };
}

// ANSI: carriage return, then erase the whole line.
const ERASE_LINE = '\r\x1b[2K';

/**
 * A status line redrawn in place after every batch. It is left without a newline, so anything
 * else written to the terminal must call {@link StatusLine.clear} first.
 */
export class StatusLine implements StreamingListener {
  private shown = false;

  constructor(
    private readonly err: TextOutput,
    private readonly batchInterval: number,
  ) {}

  onBatchCompleted({ batchInfo }: { batchInfo: BatchInfo }): void {
    this.err.write(ERASE_LINE + formatStatus(batchInfo, this.batchInterval));
    this.shown = true;
  }

  /** Erases the status line, if one is shown. */
  clear(): void {
    if (!this.shown) return;
    this.err.write(ERASE_LINE);
    this.shown = false;
  }
}
