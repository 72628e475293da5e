// The session time zone (Spark's `spark.sql.session.timeZone`): region ids (`America/New_York`),
// `UTC`, and fixed offsets (`+08:00`), as Spark accepts them; timestamps are shown in it.
import { FlintError } from '../errors.js';

const OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;

/** `zone` if Flint can show times in it; else an `INVALID_ARGUMENT` saying what is accepted. */
export function checkTimeZone(zone: string): string {
  if (zone === 'UTC' || zone === 'Z' || OFFSET.test(zone)) return zone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw new FlintError('INVALID_ARGUMENT', `spark.sql.session.timeZone: unknown time zone '${zone}'; use a region id such as 'America/Los_Angeles', 'UTC', or an offset such as '+08:00'`);
  }
}

/** Milliseconds to add to a UTC instant to read its wall-clock time in `zone`. */
export function zoneOffsetMs(d: Date, zone: string): number {
  if (zone === 'UTC' || zone === 'Z') return 0;
  const m = OFFSET.exec(zone);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(d)
      .map((p) => [p.type, Number(p.value)]),
  );
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(d.getTime() / 1000) * 1000;
}
