// Event time with a watermark, no server needed: the rate source makes rows { timestamp, value };
// each value's parity is a "sensor", counted per 10-second window with a 5-second watermark in
// append mode, so each window is printed once, when the watermark has passed its end.
//
//   npm run example:structured-rate        (Ctrl-C stops)
import { fileURLToPath } from 'node:url';
import { FlintSession, functions, type DataFrame } from '../src/index.js';

const { col, count, sum, window } = functions;

/** Counts and sums per 10-second window and sensor, final once the watermark passes the window. */
export function sensorWindows(rate: DataFrame): DataFrame {
  return rate
    .withColumn('sensor', col('value').mod(2))
    .withWatermark('timestamp', '5 seconds')
    .groupBy(window(col('timestamp'), '10 seconds'), col('sensor'))
    .agg(count('*').as('readings'), sum('value').as('total'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flint = new FlintSession({ appName: 'StructuredRateWatermark' });
  const rate = flint.readStream.format('rate').option('rowsPerSecond', 5).load();
  const query = await sensorWindows(rate).writeStream.outputMode('append').format('console').option('truncate', false).start();
  flint.streams.addListener({
    onQueryProgress: ({ progress }) => console.error(`batch ${progress.batchId}: ${progress.numInputRows} rows, watermark ${progress.eventTime.watermark}`),
  });
  process.once('SIGINT', () => void query.stop());
  await query.awaitTermination();
}
