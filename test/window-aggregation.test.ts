// The wasm core's window aggregation kernel (assembly/window-aggregate.ts) against the js core's
// (src/core/js/window-aggregation.ts): the same chunks give the same ids, dropped counts and
// buffers bit for bit, across batches, removals and compactions, on tumbling and sliding windows.
import { describe, expect, it } from 'vitest';
import type { WindowAggregateKind, WindowAggregation, WindowMs } from '../src/core/core.js';
import { JsWindowAggregation } from '../src/core/js/window-aggregation.js';
import { KernelWindowAggregation } from '../src/core/wasm/window-aggregation.js';
import { schemaOf } from '../src/index.js';
import { csvColumns } from '../src/sql/columnar/csv-columns.js';

const KINDS: WindowAggregateKind[] = ['count', 'count', 'sum', 'avg', 'min', 'max'];
const MINUTE = 60_000;

function snapshot(g: WindowAggregation): (number[] | null)[] {
  const t = g.table;
  return Array.from({ length: t.count }, (_, id) =>
    t.isLive(id) ? [...Array.from({ length: t.width }, (_, k) => t.key(id, k)), ...KINDS.flatMap((_, k) => [g.bufferA(k)[id]!, g.bufferB(k)[id]!])] : null,
  );
}

describe('WindowAggregation', () => {
  // Width 1 (windows only) takes the kernel's runs of rows in one window; width 2 (one string id)
  // its slots by window and id; width 3 the per-row path.
  const cases: [string, number, WindowMs][] = [
    ['tumbling', 2, { windowMs: 10 * MINUTE, slideMs: 10 * MINUTE, startMs: 0 }],
    ['sliding', 2, { windowMs: 10 * MINUTE, slideMs: 4 * MINUTE, startMs: 90_000 }],
    ['tumbling', 3, { windowMs: 10 * MINUTE, slideMs: 10 * MINUTE, startMs: 0 }],
    ['sliding', 3, { windowMs: 10 * MINUTE, slideMs: 4 * MINUTE, startMs: 90_000 }],
    ['tumbling', 1, { windowMs: 10 * MINUTE, slideMs: 10 * MINUTE, startMs: 60_000 }],
    ['sliding', 1, { windowMs: 10 * MINUTE, slideMs: 5 * MINUTE, startMs: 0 }],
  ];
  it.each(cases)('kernel and js aggregations agree (%s windows, key width %i)', (_, width, window) => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const aggs = [new JsWindowAggregation(width, KINDS), new KernelWindowAggregation(width, KINDS)];
    let counted = 0;
    let evictedTotal = 0;
    for (let batch = 0; batch < 10; batch++) {
      const lateBefore = batch < 2 ? -Infinity : (batch - 1) * 5 * MINUTE;
      // Keys added through the table (as a restart restores them), some of them met again by rows.
      if (width === 2 && (batch === 5 || batch === 7)) {
        const { slideMs, startMs } = window;
        const t = batch * 5 * MINUTE + 1000;
        const start = t - ((((t - startMs) % slideMs) + slideMs) % slideMs);
        const keys = Float64Array.from([start, 3, start, 70_001, start, -1, start + slideMs, 5]);
        for (const g of aggs) {
          const ids = new Int32Array(4);
          g.table.upsert(keys, 4, ids);
          g.ensure();
          for (const id of ids) KINDS.forEach((_, k) => (g.bufferA(k)[id] = g.bufferB(k)[id] = 0));
        }
      }
      for (const g of aggs) g.begin();
      const dropped = [0, 0];
      const stats = aggs.map(() => ({ max: -Infinity, min: Infinity, sum: 0, count: 0 }));
      for (let chunk = 0; chunk < 3; chunk++) {
        const n = 700 + chunk * 300;
        const times = new Float64Array(n);
        const timeNulls = new Uint8Array(n);
        const rowKeys = new Float64Array(n * (width - 1));
        const values = new Float64Array(n);
        const nulls = new Uint8Array(n);
        for (let r = 0; r < n; r++) {
          // Mostly in time order (runs of one key), some late, some fractional, a few null.
          times[r] = batch * 5 * MINUTE + r * 300 - (rand() < 0.3 ? Math.floor(rand() * 8 * MINUTE) : 0) + (rand() < 0.05 ? 0.5 : 0);
          // (Width 2: a few times of NaN, -0 and 0, whose windows the slots must tell apart as the table does.)
          if (width === 2 && rand() < 0.01) times[r] = [NaN, -0, 0][Math.floor(rand() * 3)]!;
          timeNulls[r] = rand() < 0.02 ? 1 : 0;
          // Dictionary ids (-1 null, some past the slots' range), and a few keys that are not.
          if (width === 2) rowKeys[r] = rand() < 0.05 ? -1 : rand() < 0.05 ? [-0, 0.5, 70_000 + Math.floor(rand() * 3), -7][Math.floor(rand() * 4)]! : Math.floor(rand() * rand() * 300);
          if (width === 3) {
            rowKeys[2 * r] = rand() < 0.5 ? 0 : Math.floor(rand() * 20);
            rowKeys[2 * r + 1] = rand() < 0.05 ? -0 : Math.floor(rand() * 3);
          }
          values[r] = rand() < 0.02 ? NaN : (rand() - 0.5) * 1e6;
          nulls[r] = rand() < 0.1 ? 1 : 0;
        }
        const input = { n, times, timeNulls, rowKeys, values: [undefined, values, values, values, values, values], nulls: [undefined, nulls, nulls, nulls, nulls, nulls] };
        aggs.forEach((g, i) => (dropped[i]! += g.update(input, window, lateBefore, stats[i])));
      }
      expect(dropped[1]).toBe(dropped[0]);
      expect(stats[1]).toEqual(stats[0]);
      expect(stats[0]!.count).toBeGreaterThan(0);
      const touched = aggs.map((g) => [...g.merge()]);
      expect(touched[1]).toEqual(touched[0]);
      expect(touched[0]!.length).toBeGreaterThan(0);
      counted += touched[0]!.reduce((n, id) => n + (aggs[0]!.bufferA(0)[id]! > 0 ? 1 : 0), 0);
      // Evict windows the watermark passed (every second batch by hand, through the table), and compact now and then.
      if (batch % 2 === 0) {
        const evicted = aggs.map((g) => g.evict(lateBefore + 5 * MINUTE, window.windowMs));
        expect([...evicted[1]!.ids]).toEqual([...evicted[0]!.ids]);
        expect(evicted[1]!.minStart).toBe(evicted[0]!.minStart);
        evictedTotal += evicted[0]!.ids.length;
      } else for (const g of aggs) for (let id = 0; id < g.table.count; id++) if (g.table.isLive(id) && g.table.key(id, 0) + window.windowMs <= lateBefore + 5 * MINUTE) g.table.remove(id);
      if (batch % 3 === 2) expect([...aggs[1]!.compact()]).toEqual([...aggs[0]!.compact()]);
      expect(snapshot(aggs[1]!)).toEqual(snapshot(aggs[0]!));
    }
    expect(counted).toBeGreaterThan(width === 1 ? 10 : 100);
    expect(evictedTotal).toBeGreaterThan(0);
    for (const g of aggs) g.close();
  });

  it('counts every (row, window) pair once, minus the late ones', () => {
    const window = { windowMs: 10 * MINUTE, slideMs: 5 * MINUTE, startMs: 0 };
    for (const g of [new JsWindowAggregation(1, ['count']), new KernelWindowAggregation(1, ['count'])]) {
      g.begin();
      const times = Float64Array.from([0, 1, 5 * MINUTE, 12 * MINUTE, 12 * MINUTE]);
      const dropped = g.update({ n: 5, times, timeNulls: undefined, rowKeys: new Float64Array(0), values: [undefined], nulls: [undefined] }, window, 5 * MINUTE);
      const ids = [...g.merge()];
      const counts = new Map(ids.map((id) => [g.table.key(id, 0), g.bufferA(0)[id]]));
      // Windows [-5, 5) and [0, 10) hold 0 and 1; [-5, 5) ended by the watermark 5 min: dropped.
      expect(dropped).toBe(2);
      expect(counts).toEqual(new Map([[0, 3], [5 * MINUTE, 3], [10 * MINUTE, 2]]));
      g.close();
    }
  });

  // The kernel's CSV reader (assembly/csv-rows.ts: 16 bytes a step, times from their digits,
  // cells as dictionary ids) against csvColumns + update on the js core, on texts of every line
  // ending, empty and missing cells, long and short lines, and lines cut at any block boundary.
  it('the kernel reads CSV as csvColumns does (updateCsv against update)', () => {
    let seed = 11;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const time = (): string => {
      const d = new Date(Date.UTC(2024, 1, 28) + Math.floor(rand() * 3 * 86_400_000)).toISOString();
      const base = rand() < 0.5 ? d.slice(0, 19).replace('T', ' ') : d.slice(0, 19);
      const ms = pick(['', '.5', '.25', '.125']);
      return base.includes('T') ? `${base}${ms}Z` : `${base}${ms}`;
    };
    const words = ['a', 'é', 'w12345678', 'w1234567', 'longer than eight bytes', 'x,', '', 'ab'];
    const texts = [
      'ts,word,n\n2024-01-01 00:00:00,a,1\n2024-02-29 23:59:59.9,é,-2\n',
      '2024-01-31T10:00:00.123Z,bb,\r\n\r\n2024-03-01 00:00:00.12,,7\r\n2024-02-29 00:00:00,c,8\r',
      '2024-01-01 00:00:00,a,1\n,,\nonly-one-cell-is-no-time\n'.replace('only-one-cell-is-no-time', ''),
    ];
    for (let t = 0; t < 12; t++) {
      const lines: string[] = [];
      for (let i = 0, n = 1 + Math.floor(rand() * 400); i < n; i++) {
        const r = rand();
        lines.push(r < 0.03 ? '' : r < 0.05 ? time() : r < 0.07 ? `,${pick(words)}` : `${time()},${pick(words).replace(',', '')}${rand() < 0.1 ? `,${'z'.repeat(Math.floor(rand() * 40))}` : ''}`);
      }
      texts.push(lines.join(pick(['\n', '\r\n'])) + pick(['', '\n', '\r', '\r\n']));
    }
    const schema = schemaOf({ ts: 'timestamp', word: 'string', n: 'string' });
    const window = { windowMs: 10 * MINUTE, slideMs: 10 * MINUTE, startMs: 0 };
    for (const [i, text] of texts.entries()) {
      // (The first text's header is no time: read without header, it goes to the slow path.)
      for (const header of i === 0 ? [true] : [false, true]) {
        const bytes = Buffer.from(text, 'utf8');
        const kernel = new KernelWindowAggregation(2, ['count']);
        const js = new JsWindowAggregation(2, ['count']);
        const stats = [kernel, js].map(() => ({ max: -Infinity, min: Infinity, sum: 0, count: 0 }));
        kernel.begin();
        js.begin();
        const read = kernel.updateCsv({ read: readOf(bytes), sep: 0x2c, header, fields: ['time', 0, undefined] }, window, -Infinity, stats[0]);
        const batch = csvColumns(bytes, schema, ['ts', 'word'], { sep: ',', header });
        const ts = batch.column('ts');
        const word = batch.column('word');
        if (ts.kind !== 'number' || word.kind !== 'utf8') throw new Error('unexpected column kinds');
        const n = batch.numRows;
        const rowKeys = new Float64Array(n);
        js.dictionary.idsOfCells(word.bytes, word.starts, word.ends, 0, n, rowKeys, 0, 1);
        const dropped = js.update({ n, times: ts.values, timeNulls: ts.nulls, rowKeys, values: [undefined], nulls: [undefined] }, window, -Infinity, stats[1]);
        expect(read).toEqual({ rows: n, dropped });
        expect(stats[0]).toEqual(stats[1]);
        expect([...kernel.merge()]).toEqual([...js.merge()]);
        expect(snapshot1(kernel)).toEqual(snapshot1(js));
        for (let id = 0; id < js.table.count; id++) {
          const s = js.table.key(id, 1);
          expect(s < 0 ? null : kernel.dictionary.string(s)).toEqual(s < 0 ? null : js.dictionary.string(s));
        }
        kernel.close();
      }
    }
    // A time the fast form cannot read, or a quote (in the header, a block or the tail), leaves the file to the slow path.
    const kernel = new KernelWindowAggregation(2, ['count']);
    kernel.begin();
    const line = '2024-01-01 00:00:00,a\n';
    for (const [text, header] of [[`${line}2024-01-01 00:00,b\n`, false], [`"ts",word\n${line}`, true], [`${line.repeat(3)}2024-01-01 00:00:00,"b"\n${line.repeat(3)}`, false], [`${line}2024-01-01 00:00:00,"b"`, false]] as const) {
      expect(kernel.updateCsv({ read: readOf(Buffer.from(text)), sep: 0x2c, header, fields: ['time', 0] }, window, -Infinity)).toBeUndefined();
    }
    expect(kernel.updateCsv({ read: readOf(Buffer.from(line.repeat(5))), sep: 0x2c, header: false, fields: ['time', 0] }, window, -Infinity)).toEqual({ rows: 5, dropped: 0 });
    kernel.close();
  });
});

// A CsvRowsInput's read over bytes in memory.
function readOf(bytes: Uint8Array): (into: (size: number) => Uint8Array) => Uint8Array {
  return (into) => {
    const target = into(bytes.length);
    target.set(bytes);
    return target;
  };
}

function snapshot1(g: WindowAggregation): number[][] {
  const t = g.table;
  return Array.from({ length: t.count }, (_, id) => [t.key(id, 0), t.key(id, 1), g.bufferA(0)[id]!, g.bufferB(0)[id]!]);
}
