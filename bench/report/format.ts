// Number and table formatting shared by the report's sections.

/** `v` with `digits` decimals, or a dash when there is no figure. */
export const fmt = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

/** `a / b` as `1.23x`, or a dash when either is missing. */
export const ratio = (a: number | null | undefined, b: number | null | undefined): string => (a && b ? `${(a / b).toFixed(2)}x` : '—');

/** A markdown table: a header row, an alignment row (`---`, `---:`), then the rows. */
export const table = (head: string[], align: string[], rows: string[][]): string =>
  [`| ${head.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
