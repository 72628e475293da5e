// A join with a static side (Spark's BroadcastHashJoinExec): the static table is hashed by the
// join columns once, and each batch's rows of the other side probe it. Stateless, so every output
// mode accepts it. Two static sides (a DataFrame collected once) hash the right one; only then can
// the hashed side's unmatched rows be output (a right or full outer join), after every probe.
import { Batch } from '../../batch/batch.js';
import { outputsUnmatched } from '../join-type.js';
import type { Row } from '../schema.js';
import { joinedRow, joinKey, meetsResidual, nullPaddedRow, type JoinColumns } from './join-rows.js';
import type { BatchContext, PhysicalOperator } from './spark-plan.js';

/** Joins the rows of `probe` with the hashed rows of `build` on equal keys and the rest of the condition. */
export class BroadcastHashJoinExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  private table: Map<string, Row[]> | undefined;
  /** Build rows with a null join column: they never match, but an outer join on their side outputs them. */
  private readonly nullKeyed: Row[] = [];
  private readonly probeSide: 'L' | 'R';

  constructor(
    readonly probe: PhysicalOperator,
    readonly build: PhysicalOperator,
    private readonly columns: JoinColumns,
    /** True when the probing side is the join's right side. */
    probeIsRight: boolean,
  ) {
    this.children = [probe, build];
    this.probeSide = probeIsRight ? 'R' : 'L';
  }

  async execute(ctx: BatchContext): Promise<Batch<Row>> {
    this.table ??= await this.buildTable(ctx);
    const table = this.table;
    const { joinType } = this.columns;
    const buildSide = this.probeSide === 'L' ? 'R' : 'L';
    const matchedBuild = outputsUnmatched(joinType, buildSide) ? new Set<Row>() : undefined;
    const out: Row[] = [];
    for (const row of (await this.probe.execute(ctx)).collect()) {
      const key = joinKey(this.columns, this.probeSide, row);
      const matches = (key === undefined ? [] : (table.get(key) ?? [])).filter((m) => (this.probeSide === 'L' ? meetsResidual(this.columns, row, m) : meetsResidual(this.columns, m, row)));
      if (joinType === 'left_semi' || joinType === 'left_anti') {
        if ((matches.length > 0) === (joinType === 'left_semi')) out.push(row);
        continue;
      }
      if (matches.length === 0) {
        if (outputsUnmatched(joinType, this.probeSide)) out.push(nullPaddedRow(this.columns, this.probeSide, row));
        continue;
      }
      for (const m of matches) {
        matchedBuild?.add(m);
        out.push(this.probeSide === 'L' ? joinedRow(this.columns, row, m) : joinedRow(this.columns, m, row));
      }
    }
    if (matchedBuild) {
      for (const rows of table.values()) for (const r of rows) if (!matchedBuild.has(r)) out.push(nullPaddedRow(this.columns, buildSide, r));
      for (const r of this.nullKeyed) out.push(nullPaddedRow(this.columns, buildSide, r));
    }
    return Batch.of(out, 1);
  }

  private async buildTable(ctx: BatchContext): Promise<Map<string, Row[]>> {
    const table = new Map<string, Row[]>();
    const buildSide = this.probeSide === 'L' ? 'R' : 'L';
    for (const row of (await this.build.execute(ctx)).collect()) {
      const key = joinKey(this.columns, buildSide, row);
      if (key === undefined) {
        this.nullKeyed.push(row);
        continue;
      }
      const list = table.get(key);
      if (list) list.push(row);
      else table.set(key, [row]);
    }
    return table;
  }
}
