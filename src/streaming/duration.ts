// Durations are integer milliseconds, as in Spark's `Duration`; helpers build and parse them.
import { FlintError } from '../errors.js';

/** A duration in milliseconds. */
export type Duration = number;

/** `ms` milliseconds, validated as a non-negative integer (Spark's `Milliseconds`). */
export function Milliseconds(ms: number): Duration {
  return checkDuration(ms, 'Milliseconds');
}

/** `s` seconds in milliseconds (Spark's `Seconds`). */
export function Seconds(s: number): Duration {
  return checkDuration(s * 1000, 'Seconds');
}

/** `m` minutes in milliseconds (Spark's `Minutes`). */
export function Minutes(m: number): Duration {
  return checkDuration(m * 60_000, 'Minutes');
}

/**
 * Checks that `ms` is a usable duration: a finite, non-negative integer number of
 * milliseconds. `what` names the argument in the error message.
 */
export function checkDuration(ms: unknown, what: string, { positive = false } = {}): Duration {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || !Number.isInteger(ms) || ms < 0) {
    throw new FlintError(
      'INVALID_DURATION',
      `${what} must be a whole, non-negative number of milliseconds, got ${String(ms)}; ` +
        `use Milliseconds(n), Seconds(n) or Minutes(n)`,
    );
  }
  if (positive && ms === 0) {
    throw new FlintError('INVALID_DURATION', `${what} must be greater than 0 ms, got 0`);
  }
  return ms;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * Parses a duration written as on the command line: `500ms`, `1s`, `2.5s`, `5m`, `1h`, or a
 * bare number of milliseconds.
 */
export function parseDuration(text: string, what = 'duration'): Duration {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(text);
  if (!match) {
    throw new FlintError(
      'INVALID_DURATION',
      `${what} "${text}" is not a duration; write it like 500ms, 1s, 30s, 5m or 1h`,
    );
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
  if (!Number.isInteger(ms)) {
    throw new FlintError('INVALID_DURATION', `${what} "${text}" is not a whole number of milliseconds`);
  }
  return ms;
}

/** Formats a duration the way Spark prints one: `1000 ms`. */
export function formatDuration(ms: Duration): string {
  return `${ms} ms`;
}

/** True when `ms` is a whole multiple of `of` (Spark's `Duration.isMultipleOf`). */
export function isMultipleOf(ms: Duration, of: Duration): boolean {
  return of > 0 && ms % of === 0;
}
