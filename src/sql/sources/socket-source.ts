// The socket source (Spark's TextSocketMicroBatchStream): lines from a TCP server, read by Flint's
// socket receiver on the query's StreamingContext. Offsets are line counts; lines stay in memory
// until committed, so, as in Spark, the source cannot replay after a restart (tests and demos only).
import { Batch } from '../../batch/batch.js';
import { FlintError } from '../../errors.js';
import { checkHostPort } from '../../io/sources/socket-receiver.js';
import { schemaOf, StructType, type Row } from '../schema.js';
import type { Offset, Source, SourceEnv } from './source.js';

/** `socket`: `value` lines, plus `timestamp` (when the line arrived) with `includeTimestamp`. */
export class SocketSource implements Source {
  readonly schema: StructType;
  readonly description: string;
  private readonly lines: Row[] = [];
  /** Lines before `lines[0]` (committed and forgotten). */
  private base = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly includeTimestamp: boolean,
  ) {
    checkHostPort(host, port);
    this.schema = includeTimestamp ? schemaOf({ value: 'string', timestamp: 'timestamp' }) : schemaOf({ value: 'string' });
    this.description = `TextSocketV2[host: ${host}, port: ${port}]`;
  }

  /** Runs Flint's socket receiver on the query's context; each engine batch appends its lines. */
  async attach(env: SourceEnv): Promise<void> {
    env.ssc.socketTextStream(this.host, this.port).foreachRDD((batch, time) => {
      const at = new Date(time);
      for (const value of batch.collect()) this.lines.push(this.includeTimestamp ? { value, timestamp: at } : { value });
    });
  }

  latestOffset(): Offset | undefined {
    const end = this.base + this.lines.length;
    return end === 0 ? undefined : end;
  }

  getBatch(start: Offset | undefined, end: Offset): Batch<Row> {
    const from = Number(start ?? 0) - this.base;
    if (from < 0) {
      throw new FlintError('SOURCE_ERROR', `${this.description}: lines from ${String(start)} were committed and forgotten; the socket source cannot replay after a restart (use a file or rate source)`);
    }
    return Batch.of(this.lines.slice(from, Number(end) - this.base), 1);
  }

  commit(end: Offset): void {
    const drop = Number(end) - this.base;
    if (drop > 0) {
      this.lines.splice(0, drop);
      this.base += drop;
    }
  }
}
