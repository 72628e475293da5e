// csvColumns (CSV bytes straight to columns) against the row parser: every cell the same value,
// across line endings, headers, empty cells and lines, and timestamp forms the fast parser
// takes or leaves to the slow one.
import { describe, expect, it } from 'vitest';
import { schemaOf, type Value } from '../src/index.js';
import type { ColumnarBatch } from '../src/sql/columnar/columnar-batch.js';
import { csvColumns, csvColumnsApply, utcTimestamp } from '../src/sql/columnar/csv-columns.js';
import { parseFile } from '../src/sql/sources/file-formats.js';

const schema = schemaOf({ ts: 'timestamp', word: 'string', n: 'long', x: 'double' });
const names = ['ts', 'word', 'n', 'x'];

function cell(batch: ColumnarBatch, name: string, row: number): Value {
  const c = batch.column(name);
  if (c.kind === 'number') return c.nulls?.[row] ? null : c.values[row]!;
  if (c.kind === 'utf8') return c.starts[row]! < 0 ? null : Buffer.from(c.bytes.subarray(c.starts[row]!, c.ends[row]!)).toString('utf8');
  return c.ids[row]! < 0 ? null : c.dictionary[c.ids[row]!]!;
}

const TEXTS = [
  'ts,word,n,x\n2024-01-01 00:00:00,a,1,1.5\n2024-02-29 23:59:59.9,é,-2,\n',
  '2024-01-31T10:00:00.123Z,bb,,3\r\n\r\n2024-03-01 00:00:00.12,,7,x\r\n2024-02-30 00:00:00,c,8,1e3\r',
  '2024-01-01T00:00:00,local,1,1\n2024-01-01,d,2,2\n1704067200,e,3,3\nnot a time,f,4.5,4\n2024-13-01 00:00:00,g,5,5\n2024-01-01 00:00:00.1234,h,6,6',
  '\uFEFF2024-01-01 00:00:00,a,1,1\n,,,\nonly-one-cell\n',
];

describe('csvColumns', () => {
  it.each(TEXTS.map((t, i) => [i, t]))('reads text %i as the row parser does', (_, text) => {
    for (const header of [false, true]) {
      const csv = { sep: ',', header };
      const bytes = Buffer.from(text as string, 'utf8');
      expect(csvColumnsApply(bytes, csv)).toBe(true);
      const rows = parseFile(text as string, 'csv', schema, csv);
      const batch = csvColumns(bytes, schema, names, csv);
      expect(batch.numRows).toBe(rows.length);
      rows.forEach((row, i) => {
        for (const n of names) {
          const v = row[n] ?? null;
          expect([n, i, cell(batch, n, i)]).toEqual([n, i, v instanceof Date ? v.getTime() : v]);
        }
      });
    }
  });

  it('leaves quoted cells and long separators to the row parser', () => {
    expect(csvColumnsApply(Buffer.from('"a,b",1\n'), { sep: ',', header: false })).toBe(false);
    expect(csvColumnsApply(Buffer.from('a::1\n'), { sep: '::', header: false })).toBe(false);
  });

  it('parses the UTC forms from their digits and nothing else', () => {
    const at = (s: string): number => utcTimestamp(Buffer.from(s), 0, s.length);
    expect(at('2024-01-01 00:00:00.5')).toBe(Date.UTC(2024, 0, 1, 0, 0, 0, 500));
    expect(at('1969-12-31T23:59:59.999Z')).toBe(-1);
    expect(at('2000-02-29 12:34:56')).toBe(Date.UTC(2000, 1, 29, 12, 34, 56));
    expect(at('2024-01-01T00:00:00')).toBeNaN(); // local time: the slow path
    expect(at('2023-02-29 00:00:00')).toBeNaN();
  });
});
