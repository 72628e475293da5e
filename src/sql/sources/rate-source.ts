// The rate source (Spark's RateStreamMicroBatchStream): `rowsPerSecond` rows `{ timestamp, value }`
// per second since the query first started, ramping up over `rampUpTime`. Offsets are whole
// seconds, and the start time is kept in `sources/<i>/0`, so any range is generated again exactly.
import { Batch } from '../../batch/batch.js';
import { FlintError } from '../../errors.js';
import type { Clock } from '../../streaming/clock.js';
import { ColumnarBatch, type ColumnVector, type RateRange } from '../columnar/columnar-batch.js';
import { MetadataLog } from '../checkpoint/metadata-log.js';
import { parseInterval } from '../interval.js';
import { schemaOf, type Row } from '../schema.js';
import type { Offset, Source, SourceEnv } from './source.js';

/** Options of the rate source, as strings or numbers (Spark's option names). */
export interface RateSourceOptions {
  rowsPerSecond?: string | number;
  rampUpTime?: string | number;
  numPartitions?: string | number;
}

/** Values generated up to `seconds` (Spark's `valueAtSecond`). */
export function valueAtSecond(seconds: number, rowsPerSecond: number, rampUpTimeSeconds: number): number {
  const speedDeltaPerSecond = Math.floor(rowsPerSecond / (rampUpTimeSeconds + 1));
  if (seconds <= rampUpTimeSeconds) {
    return seconds % 2 === 1 ? ((seconds + 1) / 2) * speedDeltaPerSecond * seconds : (seconds / 2) * speedDeltaPerSecond * (seconds + 1);
  }
  return valueAtSecond(rampUpTimeSeconds, rowsPerSecond, rampUpTimeSeconds) + (seconds - rampUpTimeSeconds) * rowsPerSecond;
}

/** `rate`: generated rows for tests and benchmarks. */
export class RateSource implements Source {
  readonly schema = schemaOf({ timestamp: 'timestamp', value: 'long' });
  readonly description: string;
  private readonly rowsPerSecond: number;
  private readonly rampUpTimeSeconds: number;
  private numPartitions: number | undefined;
  private clock: Clock | undefined;
  private creationTimeMs = 0;
  private lastTimeMs = 0;

  constructor(options: RateSourceOptions) {
    this.rowsPerSecond = positiveInt(options.rowsPerSecond ?? 1, 'rowsPerSecond', 1);
    this.rampUpTimeSeconds = Math.floor(parseInterval(numberOrInterval(options.rampUpTime ?? 0), 'rate option rampUpTime') / 1000);
    this.numPartitions = options.numPartitions === undefined ? undefined : positiveInt(options.numPartitions, 'numPartitions', 1);
    if (this.rampUpTimeSeconds > 0 && this.rowsPerSecond / (this.rampUpTimeSeconds + 1) < 1) {
      throw new FlintError('INVALID_ARGUMENT', `rate source: rowsPerSecond (${this.rowsPerSecond}) must be at least rampUpTime in seconds + 1 (${this.rampUpTimeSeconds + 1})`);
    }
    this.description = `RateStreamV2[rowsPerSecond=${this.rowsPerSecond}, rampUpTimeSeconds=${this.rampUpTimeSeconds}, numPartitions=${options.numPartitions ?? 'default'}`;
  }

  async attach(env: SourceEnv): Promise<void> {
    this.clock = env.ssc.clock;
    this.numPartitions ??= env.numPartitions;
    const now = this.clock.now();
    if (env.metadataPath) {
      const log = new MetadataLog<number>(env.metadataPath);
      const stored = log.get(0);
      if (stored === undefined) await log.add(0, now);
      this.creationTimeMs = stored ?? now;
    } else {
      this.creationTimeMs = now;
    }
    this.lastTimeMs = this.creationTimeMs;
  }

  latestOffset(): Offset | undefined {
    this.lastTimeMs = Math.max(this.lastTimeMs, this.clock!.now());
    const seconds = Math.floor((this.lastTimeMs - this.creationTimeMs) / 1000);
    return seconds === 0 ? undefined : seconds;
  }

  getBatch(start: Offset | undefined, end: Offset): Batch<Row> {
    const startSeconds = Number(start ?? 0);
    const endSeconds = Number(end);
    this.lastTimeMs = Math.max(this.lastTimeMs, endSeconds * 1000 + this.creationTimeMs);
    const rangeStart = valueAtSecond(startSeconds, this.rowsPerSecond, this.rampUpTimeSeconds);
    const rangeEnd = valueAtSecond(endSeconds, this.rowsPerSecond, this.rampUpTimeSeconds);
    if (rangeStart === rangeEnd) return Batch.empty(0);
    const { timestamps, values } = this.generate(startSeconds, endSeconds);
    const n = this.numPartitions!;
    const partitions: Row[][] = [];
    let i = 0;
    for (let p = 0; p < n; p++) {
      const rows: Row[] = [];
      for (let v = rangeStart + p; v < rangeEnd; v += n, i++) rows.push({ timestamp: new Date(timestamps[i]!), value: values[i]! });
      partitions.push(rows);
    }
    return new Batch(partitions);
  }

  /**
   * The same rows as getBatch, generated into typed arrays (partition by partition, as getBatch
   * orders them) when first asked for; the batch keeps the generator's parameters, so a core may
   * generate them itself.
   */
  getColumnarBatch(start: Offset | undefined, end: Offset): ColumnarBatch {
    const range = this.range(Number(start ?? 0), Number(end));
    const columns = (): Map<string, ColumnVector> => {
      const { timestamps, values } = generate(range);
      return new Map<string, ColumnVector>([
        ['timestamp', { kind: 'number', values: timestamps, nulls: undefined }],
        ['value', { kind: 'number', values, nulls: undefined }],
      ]);
    };
    return new ColumnarBatch(range.rangeEnd - range.rangeStart, columns, range);
  }

  // The generator's parameters for seconds start .. end.
  private range(startSeconds: number, endSeconds: number): RateRange {
    this.lastTimeMs = Math.max(this.lastTimeMs, endSeconds * 1000 + this.creationTimeMs);
    const rangeStart = valueAtSecond(startSeconds, this.rowsPerSecond, this.rampUpTimeSeconds);
    const rangeEnd = valueAtSecond(endSeconds, this.rowsPerSecond, this.rampUpTimeSeconds);
    const startMs = this.creationTimeMs + startSeconds * 1000;
    const msPerValue = ((endSeconds - startSeconds) * 1000) / (rangeEnd - rangeStart);
    return { kind: 'rate', rangeStart, rangeEnd, numPartitions: this.numPartitions!, startMs, msPerValue };
  }

  // Timestamps and values of a range, partition 0's rows first.
  private generate(startSeconds: number, endSeconds: number): { timestamps: Float64Array; values: Float64Array } {
    return generate(this.range(startSeconds, endSeconds));
  }
}

/** The rows of a range: timestamps and values, partition 0's rows first. */
function generate(range: RateRange): { timestamps: Float64Array; values: Float64Array } {
  const { rangeStart, rangeEnd, numPartitions: n, startMs, msPerValue } = range;
  const timestamps = new Float64Array(rangeEnd - rangeStart);
  const values = new Float64Array(rangeEnd - rangeStart);
  let i = 0;
  for (let p = 0; p < n; p++) {
    for (let v = rangeStart + p; v < rangeEnd; v += n, i++) {
      timestamps[i] = startMs + Math.round((v - rangeStart) * msPerValue);
      values[i] = v;
    }
  }
  return { timestamps, values };
}

function numberOrInterval(v: string | number): string | number {
  return typeof v === 'number' || /^\d+$/.test(v) ? Number(v) * 1000 : v;
}

function positiveInt(v: string | number, name: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new FlintError('INVALID_ARGUMENT', `rate source: option ${name} must be an integer >= ${min}, got ${String(v)}`);
  return n;
}
