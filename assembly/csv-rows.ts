// CSV text straight into the window aggregation's input columns, in one scan: event times from
// the digits of `YYYY-MM-DD HH:MM:SS[.fff]` (UTC; or with `T` and `Z`) and string cells as
// dictionary ids (assembly/dictionary.ts), as src/sql/columnar/csv-columns.ts reads them (lines
// split at LF, a CR dropped before it, the header and empty lines skipped, missing cells null).
// A time in any other form, or a quote anywhere, returns -1: the caller then reads the file the
// slow way.
import { intern } from './dictionary';

const LF: u8 = 0x0a;
const CR: u8 = 0x0d;
const QUOTE: u8 = 0x22; // a quoted cell is the row parser's to read: the file is refused
const TIME: i32 = -2; // a field's slot: the time column
const SKIP: i32 = -1; // a field's slot: not read

@unmanaged
class CsvRows {
  times: usize; // f64 per row
  nulls: usize; // u8 per row: the time is null
  keys: usize; // f64 x kw per row: string ids
  cap: u32;
  lastHead: u64; // the previous date's bytes (YYYY-MM-DD: 8 + 2) and its midnight (files share dates)
  lastTail: u32; // > 0xffff: none yet
  lastDayMs: f64;
}

/** New empty row buffers. */
export function csvRowsNew(): usize {
  const c = changetype<CsvRows>(heap.alloc(offsetof<CsvRows>()));
  c.cap = 0;
  c.times = 0;
  c.nulls = 0;
  c.keys = 0;
  c.lastHead = 0;
  c.lastTail = 0x10000;
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
 * SKIP or a key slot < kw). Returns the rows read, or -1 when a time is not in the fast form or a
 * byte is a quote. One scan, 16 bytes at a time: a SIMD compare finds the separators, LFs and
 * quotes of a block, and only those are visited; a separator ends a cell, a LF ends the line
 * (less a CR before it). The scan's state stays in locals (registers), one loop for all blocks:
 * the last, partial one is read from a copy.
 */
export function csvRowsParse(p: usize, dict: usize, input: usize, len: u32, sep: u8, header: bool, fields: usize, nfields: u32, kw: u32): i32 {
  const c = changetype<CsvRows>(p);
  const end = input + <usize>len;
  let pos = input;
  if (header) {
    while (pos < end && load<u8>(pos) != LF) {
      if (load<u8>(pos) == QUOTE) return -1;
      pos++;
    }
    pos++;
  }
  if (pos >= end) return 0;
  ensure(c, 0, kw);
  const lfs = i8x16.splat(LF);
  const seps = i8x16.splat(sep);
  const quotes = i8x16.splat(QUOTE);
  let rows: u32 = 0;
  let field: u32 = 0;
  let cell = pos;
  let line = pos;
  for (let block = pos; block < end; block += 16) {
    const full = block + 16 <= end;
    if (!full) memory.copy(tail, block, end - block);
    const v = v128.load(full ? block : tail);
    let mask = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, lfs), i8x16.eq(v, seps)), i8x16.eq(v, quotes)));
    if (!full) mask &= (1 << <i32>(end - block)) - 1;
    while (mask != 0) {
      const at = block + <usize>ctz(mask);
      mask &= mask - 1;
      const b = load<u8>(at);
      if (b == QUOTE) return -1;
      if (b == LF) {
        // As the row parser's split(/\r?\n/): a CR is dropped only before a LF; empty lines are skipped.
        const lineEnd = at > line && load<u8>(at - 1) == CR ? at - 1 : at;
        if (lineEnd != line) {
          if (!lastCells(c, dict, rows, field, cell, lineEnd, fields, nfields, kw)) return -1;
          rows++;
          if (rows >= c.cap) ensure(c, rows, kw);
        }
        field = 0;
        line = cell = at + 1;
        continue;
      }
      if (field < nfields && !cellInto(c, dict, rows, load<i32>(fields + ((<usize>field) << 2)), cell, at, kw)) return -1;
      field++;
      cell = at + 1;
    }
  }
  // A last line without a LF keeps a CR at its end.
  if (line < end) {
    if (!lastCells(c, dict, rows, field, cell, end, fields, nfields, kw)) return -1;
    rows++;
  }
  return <i32>rows;
}

// The 16 bytes the last, partial block is read from.
const tail = memory.data(16);

// The line's last cell [cell, end) (field `field`) and nulls for the fields it lacks.
// @ts-ignore: decorator
@inline
function lastCells(c: CsvRows, dict: usize, row: u32, field: u32, cell: usize, end: usize, fields: usize, nfields: u32, kw: u32): bool {
  if (field < nfields && !cellInto(c, dict, row, load<i32>(fields + ((<usize>field) << 2)), cell, end, kw)) return false;
  for (field++; field < nfields; field++) cellInto(c, dict, row, load<i32>(fields + ((<usize>field) << 2)), 0, 0, kw);
  return true;
}

// Cell [from, to) of row `row` into its slot; false for a time the fast form cannot read.
// @ts-ignore: decorator
@inline
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
  const id: i32 = to <= from ? -1 : intern(dict, from, <u32>(to - from));
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
// The date's 10 bytes are compared whole with the previous time's; `HH:MM:SS` is checked and read
// as one u64 (SWAR: a digit is a byte 0x30 .. 0x39, so its high nibble is 3 before and after
// adding 6).
// @ts-ignore: decorator
@inline
function utcTimestamp(c: CsvRows, from: usize, to: usize): f64 {
  let end = to;
  const zulu = load<u8>(end - 1) == 0x5a;
  if (zulu) end--;
  const n = <i32>(end - from);
  if (n < 19 || n == 20 || n > 23) return NaN;
  const t = load<u8>(from + 10);
  if (!(t == 0x20 || (t == 0x54 && zulu))) return NaN;
  const head = load<u64>(from);
  const tail = <u32>load<u16>(from + 8);
  let dayMs = c.lastDayMs;
  if (head != c.lastHead || tail != c.lastTail) {
    dayMs = dateMs(from);
    if (isNaN(dayMs)) return NaN;
    c.lastHead = head;
    c.lastTail = tail;
    c.lastDayMs = dayMs;
  }
  const hms = load<u64>(from + 11);
  if ((hms & 0x0000ff0000ff0000) != 0x00003a00003a0000) return NaN;
  const z = (hms & 0xffff00ffff00ffff) | 0x0000300000300000;
  if ((z & 0xf0f0f0f0f0f0f0f0) != 0x3030303030303030 || ((z + 0x0606060606060606) & 0xf0f0f0f0f0f0f0f0) != 0x3030303030303030) return NaN;
  const d = z - 0x3030303030303030;
  const hour = <i32>(d & 0xff) * 10 + <i32>((d >> 8) & 0xff);
  const minute = <i32>((d >> 24) & 0xff) * 10 + <i32>((d >> 32) & 0xff);
  const second = <i32>((d >> 48) & 0xff) * 10 + <i32>((d >> 56) & 0xff);
  if (!(hour < 24 && minute < 60 && second < 60)) return NaN;
  let ms: i32 = 0;
  if (n == 23) {
    // `.fff` as one u32, checked as the time's digits.
    const f = load<u32>(from + 19);
    const y = (f & 0xffffff00) | 0x30;
    if ((f & 0xff) != 0x2e || (y & 0xf0f0f0f0) != 0x30303030 || ((y + 0x06060606) & 0xf0f0f0f0) != 0x30303030) return NaN;
    const e = y - 0x30303030;
    ms = <i32>((e >> 8) & 0xff) * 100 + <i32>((e >> 16) & 0xff) * 10 + <i32>(e >> 24);
  } else if (n > 19) {
    if (load<u8>(from + 19) != 0x2e) return NaN;
    for (let i = from + 20; i < from + <usize>n; i++) {
      const x = <i32>load<u8>(i) - 0x30;
      if (<u32>x > 9) return NaN;
      ms = ms * 10 + x;
    }
    ms *= n == 21 ? 100 : n == 22 ? 10 : 1;
  }
  return dayMs + <f64>(hour * 3600000 + minute * 60000 + second * 1000 + ms);
}

// The epoch ms of the midnight of the date `YYYY-MM-DD` at `from`, NaN when it is not one.
function dateMs(from: usize): f64 {
  if (load<u8>(from + 4) != 0x2d || load<u8>(from + 7) != 0x2d) return NaN;
  const y1 = two(from);
  const y2 = two(from + 2);
  const month = two(from + 5);
  const day = two(from + 8);
  if (y1 < 0 || y2 < 0 || month < 0 || day < 0) return NaN;
  const year = y1 * 100 + y2;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return NaN;
  return <f64>daysFromCivil(year, month, day) * 86400000;
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
