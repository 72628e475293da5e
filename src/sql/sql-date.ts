// Spark's DATE values (DateType: a day, no time, no zone) as JS Dates at midnight UTC, the way JS
// itself reads a date-only ISO string (`new Date('2024-03-01')`). A subclass, so `instanceof Date`
// code (comparisons, sorting, getTime) keeps working, while printing, JSON, casts and the date
// functions can tell a day from a timestamp by its value: it prints and serializes as
// `yyyy-MM-dd`, and where a time is needed it stands for midnight in the session time zone, as
// Spark's cast of a date to a timestamp does.

const DAY_MS = 86_400_000;

/** A SQL DATE: the day at midnight UTC. */
export class SqlDate extends Date {
  /** The day `days` after 1970-01-01 (Spark keeps DATE as this number). */
  static ofEpochDay(days: number): SqlDate {
    return new SqlDate(days * DAY_MS);
  }

  /** The day of an instant `ms` whose fields are read as UTC (a wall-clock time, see datetime.ts). */
  static ofWallClock(wallMs: number): SqlDate {
    return SqlDate.ofEpochDay(Math.floor(wallMs / DAY_MS));
  }

  /**
   * Spark's cast of text to DATE: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, optionally followed by
   * `T` or a space and anything (a time, which is dropped); null for anything else or a day that
   * does not exist.
   */
  static fromText(text: string): SqlDate | null {
    const m = /^\s*([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ].*)?)?)?\s*$/.exec(text);
    if (!m) return null;
    const [y, mo, d] = [Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
    return new SqlDate(ms);
  }

  /** Days since 1970-01-01. */
  get epochDay(): number {
    return Math.floor(this.getTime() / DAY_MS);
  }

  /** `yyyy-MM-dd`, as Spark prints a date. */
  override toString(): string {
    return this.toISOString().slice(0, 10);
  }

  /** `yyyy-MM-dd`: a date in JSON is the day, as Spark's JSON writer has it. */
  override toJSON(): string {
    return this.toString();
  }
}

/** The number of days in a millisecond count, for date arithmetic. */
export const MS_PER_DAY = DAY_MS;
