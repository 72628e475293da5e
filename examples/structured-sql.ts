// SQL over a stream (Spark's spark.sql on a temporary view), no server needed: the rate source's
// rows { timestamp, value } become the view `readings`, and one SELECT counts and sums them per
// 10-second window and sensor (the value's parity), with a 5-second watermark in append mode, so
// each window is printed once. The same query as the structured-rate example, written in SQL.
//
//   npm run example:structured-sql        (Ctrl-C stops)
import { fileURLToPath } from 'node:url';
import { FlintSession, type DataFrame } from '../src/index.js';

/** The per-window sensor totals of `rate`, by a SQL query over the temporary view `readings`. */
export function sensorWindowsSql(flint: FlintSession, rate: DataFrame): DataFrame {
  rate.withWatermark('timestamp', '5 seconds').createOrReplaceTempView('readings');
  return flint.sql(`
    SELECT window(timestamp, '10 seconds') AS window, value % 2 AS sensor, count(*) AS readings, sum(value) AS total
    FROM readings
    GROUP BY window(timestamp, '10 seconds'), value % 2`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flint = new FlintSession({ appName: 'StructuredSql' });
  const rate = flint.readStream.format('rate').option('rowsPerSecond', 5).load();
  const query = await sensorWindowsSql(flint, rate).writeStream.outputMode('append').format('console').option('truncate', false).start();
  process.once('SIGINT', () => void query.stop());
  await query.awaitTermination();
}
