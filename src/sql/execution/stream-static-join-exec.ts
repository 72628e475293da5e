// Stream-static equi-join (Spark's BroadcastHashJoinExec with a static side): the static table is
// hashed by the join columns once; each batch's stream rows probe it. Stateless, so every output
// mode accepts it.
import { Batch } from '../../batch/batch.js';
import type { Row, Value } from '../schema.js';
import { keyString } from '../state/value-codec.js';
import type { BatchContext, PhysicalOperator } from './spark-plan.js';

/** Joins stream rows with a static table on equal `on` columns. */
export class StreamStaticJoinExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  private table: Map<string, Row[]> | undefined;

  constructor(
    readonly stream: PhysicalOperator,
    readonly staticSide: PhysicalOperator,
    private readonly on: readonly string[],
    /** Static columns that are not join columns, for the nulls of an outer join. */
    private readonly staticColumns: readonly string[],
    private readonly outer: boolean,
    /** True when the stream is the right side (columns of the left come first). */
    private readonly streamIsRight: boolean,
  ) {
    this.children = [stream, staticSide];
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    this.table ??= await this.buildTable(ctx);
    const table = this.table;
    const nulls = Object.fromEntries(this.staticColumns.map((c) => [c, null as Value]));
    return (await this.stream.execute(ctx)).flatMap((row) => {
      const matches = table.get(keyString(this.on.map((k) => row[k] ?? null)));
      if (!matches) return this.outer ? [this.merge(row, nulls)] : [];
      return matches.map((s) => this.merge(row, s));
    });
  }

  private merge(streamRow: Row, staticRow: Row): Row {
    return this.streamIsRight ? { ...staticRow, ...streamRow } : { ...streamRow, ...staticRow };
  }

  private async buildTable(ctx: BatchContext): Promise<Map<string, Row[]>> {
    const table = new Map<string, Row[]>();
    for (const row of (await this.staticSide.execute(ctx)).collect()) {
      if (this.on.some((k) => (row[k] ?? null) === null)) continue;
      const key = keyString(this.on.map((k) => row[k]!));
      const list = table.get(key);
      if (list) list.push(row);
      else table.set(key, [row]);
    }
    return table;
  }
}
