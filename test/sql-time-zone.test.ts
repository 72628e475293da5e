// The session time zone (Spark's spark.sql.session.timeZone): show() and the console sink print
// timestamps in it, daylight saving included; region ids, UTC and fixed offsets are accepted, an
// unknown zone is refused with what to use instead.
import { afterEach, describe, expect, it } from 'vitest';
import { CONF, schemaOf } from '../src/index.js';
import { timestampString } from '../src/sql/show-string.js';
import { CORES } from './support/harness.js';
import { cleanUp, session } from './support/stream-test.js';

afterEach(cleanUp);

const winter = new Date(Date.UTC(2024, 0, 1, 10, 0, 0));
const summer = new Date(Date.UTC(2024, 6, 1, 10, 0, 0, 250));

describe('timestamps in a time zone', () => {
  it.each([
    ['UTC', '2024-01-01 10:00:00', '2024-07-01 10:00:00.25'],
    ['America/Los_Angeles', '2024-01-01 02:00:00', '2024-07-01 03:00:00.25'],
    ['Asia/Kolkata', '2024-01-01 15:30:00', '2024-07-01 15:30:00.25'],
    ['+08:00', '2024-01-01 18:00:00', '2024-07-01 18:00:00.25'],
    ['-03:30', '2024-01-01 06:30:00', '2024-07-01 06:30:00.25'],
  ])('%s', (zone, w, s) => {
    expect(timestampString(winter, zone)).toBe(w);
    expect(timestampString(summer, zone)).toBe(s);
  });
});

describe.each(CORES)('spark.sql.session.timeZone (%s core)', (core) => {
  it('show() and the console sink print in the session time zone', async () => {
    let printed = '';
    const flint = session(core, { out: { write: (s: string) => void (printed += s) } });
    flint.conf.set(CONF.sessionTimeZone, 'America/New_York');
    const df = flint.createDataFrame([{ t: winter }], schemaOf({ t: 'timestamp' }));
    expect(await df.showString()).toContain('|2024-01-01 05:00:00|');
    const input = flint.memoryStream('times', schemaOf({ t: 'timestamp' }));
    const query = await input.toDF().writeStream.format('console').option('truncate', false).start();
    input.addData({ t: summer });
    await query.processAllAvailable();
    expect(printed).toContain('|2024-07-01 06:00:00.25|');
  });

  it('an unknown zone is refused with the accepted forms', async () => {
    const flint = session(core);
    flint.conf.set(CONF.sessionTimeZone, 'Mars/Olympus');
    const df = flint.createDataFrame([{ t: winter }], schemaOf({ t: 'timestamp' }));
    await expect(df.showString()).rejects.toThrow(/unknown time zone 'Mars\/Olympus'; use a region id such as 'America\/Los_Angeles', 'UTC', or an offset such as '\+08:00'/);
  });
});
