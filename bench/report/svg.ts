// A small SVG writer for the benchmark report: horizontal bar charts and line charts, on linear or
// logarithmic axes, with no dependencies. Output is deterministic text for the same numbers.

/** Colors by contestant group, and for series in line charts. */
export const PALETTE = ['#d9480f', '#1971c2', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#5c940d', '#868e96', '#c2255c'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** Escapes text for SVG. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r = (x: number) => Math.round(x * 10) / 10;

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${r(x)}" y="${r(y)}" ${attrs}>${esc(s)}</text>`;
}

function document(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(16, 24, title, 'font-size="15" font-weight="600" fill="#212529"'),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** An axis mapping values to pixels, linear or log10, with rounded tick values. */
class Axis {
  readonly lo: number;
  readonly hi: number;

  constructor(
    min: number,
    max: number,
    readonly log: boolean,
    private readonly from: number,
    private readonly to: number,
  ) {
    if (log) {
      this.lo = 10 ** Math.floor(Math.log10(min));
      this.hi = 10 ** Math.ceil(Math.log10(max));
    } else {
      const step = niceStep(max / 5);
      this.lo = 0;
      this.hi = Math.ceil(max / step) * step;
    }
  }

  at(v: number): number {
    const f = this.log ? (Math.log10(v) - Math.log10(this.lo)) / (Math.log10(this.hi) - Math.log10(this.lo)) : (v - this.lo) / (this.hi - this.lo);
    return this.from + f * (this.to - this.from);
  }

  ticks(): number[] {
    const out: number[] = [];
    if (this.log) for (let v = this.lo; v <= this.hi * 1.0001; v *= 10) out.push(v);
    else for (let v = this.lo, s = niceStep(this.hi / 5); v <= this.hi + s / 2; v += s) out.push(v);
    return out;
  }
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
}

/** A compact number: 1.2k, 35, 0.5. */
export function compact(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(v >= 1 ? 3 : 2)}`;
}

/** One bar: a label, a value and a color. */
export interface Bar {
  label: string;
  value: number;
  color: string;
}

/** A horizontal bar chart, one bar per row, values printed after the bars. */
export function barChart(title: string, unit: string, bars: Bar[], log = false): string {
  const width = 860;
  const labelWidth = 330;
  const rowHeight = 26;
  const top = 44;
  const height = top + bars.length * rowHeight + 40;
  const values = bars.map((b) => b.value).filter((v) => v > 0);
  const axis = new Axis(Math.min(...values), Math.max(...values), log, labelWidth, width - 90);
  const body: string[] = [];
  for (const t of axis.ticks()) {
    const x = axis.at(t);
    body.push(`<line x1="${r(x)}" y1="${top - 4}" x2="${r(x)}" y2="${top + bars.length * rowHeight}" stroke="#e9ecef"/>`);
    body.push(text(x, top + bars.length * rowHeight + 16, compact(t), 'text-anchor="middle" fill="#868e96" font-size="11"'));
  }
  body.push(text(width - 90, top + bars.length * rowHeight + 32, `${unit}${log ? ' (log scale)' : ''}`, 'text-anchor="end" fill="#495057" font-size="11"'));
  bars.forEach((b, i) => {
    const y = top + i * rowHeight;
    const x0 = axis.at(log ? axis.lo : 0);
    const x1 = b.value > 0 ? axis.at(b.value) : x0;
    body.push(text(labelWidth - 8, y + 16, b.label, 'text-anchor="end" fill="#212529"'));
    body.push(`<rect x="${r(x0)}" y="${y + 4}" width="${r(Math.max(1, x1 - x0))}" height="${rowHeight - 8}" rx="2" fill="${b.color}"/>`);
    body.push(text(x1 + 6, y + 16, compact(b.value), 'fill="#495057"'));
  });
  return document(width, height, title, body);
}

/** One line: a name, a color and points (x, y); missing points break nothing, they are left out. */
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

/** A line chart with a legend on the right; axes linear or log. */
export function lineChart(
  title: string,
  x: { label: string; log: boolean; ticks?: number[] },
  y: { label: string; log: boolean },
  series: Series[],
): string {
  const width = 960;
  const height = 430;
  const [left, right, top, bottom] = [64, 560, 60, height - 52];
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0);
  const ax = new Axis(Math.min(...xs), Math.max(...xs), x.log, left, right);
  const ay = new Axis(Math.min(...ys), Math.max(...ys), y.log, bottom, top);
  const body: string[] = [];
  for (const t of ay.ticks()) {
    const py = ay.at(t);
    body.push(`<line x1="${left}" y1="${r(py)}" x2="${right}" y2="${r(py)}" stroke="#e9ecef"/>`);
    body.push(text(left - 6, py + 4, compact(t), 'text-anchor="end" fill="#868e96" font-size="11"'));
  }
  for (const t of x.ticks ?? ax.ticks()) {
    const px = ax.at(t);
    body.push(`<line x1="${r(px)}" y1="${top}" x2="${r(px)}" y2="${bottom}" stroke="#f1f3f5"/>`);
    body.push(text(px, bottom + 16, compact(t), 'text-anchor="middle" fill="#868e96" font-size="11"'));
  }
  body.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#ced4da"/>`);
  body.push(text((left + right) / 2, bottom + 36, `${x.label}${x.log ? ' (log scale)' : ''}`, 'text-anchor="middle" fill="#495057"'));
  body.push(text(16, top - 8, `${y.label}${y.log ? ' (log scale)' : ''}`, 'fill="#495057"'));
  series.forEach((s, i) => {
    const pts = s.points.filter(([, v]) => v > 0).map(([px, py]) => `${r(ax.at(px))},${r(ay.at(py))}`);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (pts.length > 1) body.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    if (pts.length <= 60) for (const p of pts) body.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${s.color}"/>`);
    const ly = top + 8 + i * 20;
    body.push(`<line x1="${right + 16}" y1="${ly}" x2="${right + 40}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    body.push(text(right + 46, ly + 4, s.name, 'fill="#212529" font-size="11.5"'));
  });
  return document(width, height, title, body);
}
