// CSV text straight into the window aggregation's input columns, in one scan: event times from
// the digits of `YYYY-MM-DD HH:MM:SS[.fff]` (UTC; or with `T` and `Z`) and string cells as
// dictionary ids (assembly/dictionary.ts), as src/sql/columnar/csv-columns.ts reads them (lines
// split at LF, a CR dropped before it, the header and empty lines skipped, missing cells null).
// A time in any other form returns -1: the caller then reads the file the slow way.
import { dictIntern } from './dictionary';

const LF: u8 = 0x0a;
const CR: u8 = 0x0d;
const TIME: i32 = -2; // a field's slot: the time column
const SKIP: i32 = -1; // a field's slot: not read

@unmanaged
class CsvRows {
  times: usize; // f64 per row
  nulls: usize; // u8 per row: the time is null
  keys: usize; // f64 x kw per row: string ids
  cap: u32;
  lastDate: i32; // the previous time's YYYYMMDD and its midnight (files share dates)
  lastDayMs: f64;
}

/** New empty row buffers. */
export function csvRowsNew(): usize {
  const c = changetype<CsvRows>(heap.alloc(offsetof<CsvRows>()));
  c.cap = 0;
  c.times = 0;
  c.nulls = 0;
  c.keys = 0;
  c.lastDate = -1;
  c.lastDayMs = 0;
  return changetype<usize>(c);
}

/** Address of the times (f64 per row), valid until the next parse. */
export function csvRowsTimes(p: usize): usize {
  return changetype<CsvRows>(p).times;
}

/** Address of the time null flags (u8 per row). */
export function csvRowsNulls(p: usize): usize {
  return changetype<CsvRows>(p).nulls;
}

/** Address of the key ids (f64 x kw per row). */
export function csvRowsKeys(p: usize): usize {
  return changetype<CsvRows>(p).keys;
}

// Room for row `rows` (the buffers double, keeping the rows read).
function ensure(c: CsvRows, rows: u32, kw: u32): void {
  if (rows < c.cap) return;
  const cap = max<u32>(1024, c.cap * 2);
  const keyBytes = (<usize>kw) << 3;
  c.times = grown(c.times, (<usize>c.cap) << 3, (<usize>cap) << 3);
  c.nulls = grown(c.nulls, <usize>c.cap, <usize>cap);
  c.keys = grown(c.keys, (<usize>c.cap) * keyBytes, max<usize>(8, (<usize>cap) * keyBytes));
  c.cap = cap;
}

function grown(p: usize, used: usize, bytes: usize): usize {
  const next = heap.alloc(bytes);
  if (p != 0) {
    memory.copy(next, p, used);
    heap.free(p);
  }
  return next;
}

/**
 * Parses the `len` bytes at `input`: field f of a line goes to slot fields[f] (i32 x nfields: TIME,
 * SKIP or a key slot < kw). Returns the rows read, or -1 when a time is not in the fast form.
 * One scan: a separator ends a cell, a LF ends the line (less a CR before it).
 */
export function csvRowsParse(p: usize, dict: usize, input: usize, len: u32, sep: u8, header: bool, fields: usize, nfields: u32, kw: u32): i32 {
  const c = changetype<CsvRows>(p);
  const end = input + <usize>len;
  let pos = input;
  if (header) {
    while (pos < end && load<u8>(pos) != LF) pos++;
    pos++;
  }
  let rows: u32 = 0;
  while (pos < end) {
    ensure(c, rows, kw);
    let field: u32 = 0;
    let cell = pos;
    let i = pos;
    for (; i < end; i++) {
      const b = load<u8>(i);
      if (b == LF) break;
      if (b != sep) continue;
      if (field < nfields && !cellInto(c, dict, rows, load<i32>(fields + ((<usize>field) << 2)), cell, i, kw)) return -1;
      field++;
      cell = i + 1;
    }
    // As the row parser's split(/\r?\n/): a CR is dropped only before a LF; empty lines are skipped.
    const lineEnd = i < end && i > pos && load<u8>(i - 1) == CR ? i - 1 : i;
    if (lineEnd != pos) {
      if (field < nfields && !cellInto(c, dict, rows, load<i32>(fields + ((<usize>field) << 2)), cell, lineEnd, kw)) return -1;
      for (field++; field < nfields; field++) cellInto(c, dict, rows, load<i32>(fields + ((<usize>field) << 2)), 0, 0, kw);
      rows++;
    }
    pos = i + 1;
  }
  return <i32>rows;
}

// Cell [from, to) of row `row` into its slot; false for a time the fast form cannot read.
function cellInto(c: CsvRows, dict: usize, row: u32, slot: i32, from: usize, to: usize, kw: u32): bool {
  if (slot == SKIP) return true;
  if (slot == TIME) {
    store<u8>(c.nulls + <usize>row, to <= from ? 1 : 0);
    if (to <= from) return true;
    const t = utcTimestamp(c, from, to);
    if (isNaN(t)) return false;
    store<f64>(c.times + ((<usize>row) << 3), t);
    return true;
  }
  const id: i32 = to <= from ? -1 : dictIntern(dict, from, <u32>(to - from));
  store<f64>(c.keys + ((<usize>row * <usize>kw + <usize>slot) << 3), <f64>id);
  return true;
}

// @ts-ignore: decorator
@inline
function two(at: usize): i32 {
  const x = <i32>load<u8>(at) - 0x30;
  const y = <i32>load<u8>(at + 1) - 0x30;
  return <u32>x > 9 || <u32>y > 9 ? -1 : x * 10 + y;
}

// The epoch ms of the cell, NaN when it is not in the fast form (csv-columns.ts's utcTimestamp).
function utcTimestamp(c: CsvRows, from: usize, to: usize): f64 {
  let end = to;
  const zulu = load<u8>(end - 1) == 0x5a;
  if (zulu) end--;
  const n = <i32>(end - from);
  if (n < 19 || n == 20 || n > 23) return NaN;
  const t = load<u8>(from + 10);
  if (!(t == 0x20 || (t == 0x54 && zulu))) return NaN;
  if (load<u8>(from + 4) != 0x2d || load<u8>(from + 7) != 0x2d || load<u8>(from + 13) != 0x3a || load<u8>(from + 16) != 0x3a) return NaN;
  if (n > 19 && load<u8>(from + 19) != 0x2e) return NaN;
  const y1 = two(from);
  const y2 = two(from + 2);
  const month = two(from + 5);
  const day = two(from + 8);
  if (y1 < 0 || y2 < 0 || month < 0 || day < 0) return NaN;
  const year = y1 * 100 + y2;
  const date = year * 10000 + month * 100 + day;
  let dayMs = c.lastDayMs;
  if (date != c.lastDate) {
    if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return NaN;
    dayMs = <f64>daysFromCivil(year, month, day) * 86400000;
    c.lastDate = date;
    c.lastDayMs = dayMs;
  }
  const hour = two(from + 11);
  const minute = two(from + 14);
  const second = two(from + 17);
  if (hour < 0 || minute < 0 || second < 0 || !(hour < 24 && minute < 60 && second < 60)) return NaN;
  let ms: i32 = 0;
  if (n > 19) {
    for (let i = from + 20; i < from + <usize>n; i++) {
      const d = <i32>load<u8>(i) - 0x30;
      if (<u32>d > 9) return NaN;
      ms = ms * 10 + d;
    }
    ms *= n == 21 ? 100 : n == 22 ? 10 : 1;
  }
  return dayMs + <f64>(hour * 3600000 + minute * 60000 + second * 1000 + ms);
}

function daysInMonth(y: i32, m: i32): i32 {
  if (m != 2) return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : 28;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil); years
// here are 0 .. 9999, so the divisions need no floor.
function daysFromCivil(y: i32, m: i32, d: i32): i32 {
  const yy = m <= 2 ? y - 1 : y;
  const era = (yy >= 0 ? yy : yy - 399) / 400;
  const yoe = yy - era * 400;
  const doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
