// DuckDB contestant of Flint's benchmarks (@duckdb/node-api, in-process, all cores): word count as
// SQL over a text file, and a sliding word count that recomputes the window with SQL each slide
// from per-pane counts (Spark's reduce, window, reduce, in SQL).
import { DuckDBInstance } from '@duckdb/node-api';

/** Rows of [word, count] with counts as numbers. */
const pairsOf = (reader) => reader.getRows().map(([word, n]) => [word, Number(n)]);

/** The words of a text passed as parameter `$text`, one row each, in column `word`. */
const WORDS_OF_TEXT = `SELECT unnest(string_split(replace($text, chr(10), ' '), ' ')) AS word`;

/** Opens an in-memory database. */
export async function createDuckDB() {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const threads = Number((await connection.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]);
  let windows = 0;
  return {
    threads,
    /** The top 10 words of a text file (lines of space-separated words), by SQL. */
    async wordCountTop10(path) {
      const reader = await connection.runAndReadAll(
        `SELECT word, count(*) AS n
           FROM (SELECT unnest(string_split(line, ' ')) AS word
                   FROM read_csv('${path.replaceAll("'", "''")}', columns = {'line': 'VARCHAR'}, header = false,
                                 delim = '\t', quote = '', escape = '', auto_detect = false))
          WHERE word <> '' GROUP BY word ORDER BY n DESC, word LIMIT 10`,
      );
      return pairsOf(reader);
    },
    /**
     * A window of `windowPanes` slides: `slide(pane)` counts the pane's words into a pane table,
     * drops the pane that left and rebuilds the window table from all panes in it.
     */
    async openWindow(windowPanes) {
      const id = windows++;
      const panes = `panes_${id}`;
      const win = `window_${id}`;
      await connection.run(`CREATE TABLE ${panes} (pane INTEGER, word VARCHAR, n BIGINT)`);
      let next = 0;
      return {
        async slide(pane) {
          await connection.run(
            `INSERT INTO ${panes} SELECT $pane, word, count(*) FROM (${WORDS_OF_TEXT}) WHERE word <> '' GROUP BY word`,
            { pane: next, text: pane.toString('utf8') },
          );
          await connection.run(`DELETE FROM ${panes} WHERE pane <= $old`, { old: next - windowPanes });
          await connection.run(`CREATE OR REPLACE TABLE ${win} AS SELECT word, sum(n)::BIGINT AS n FROM ${panes} GROUP BY word`);
          next++;
        },
        async top10() {
          return pairsOf(await connection.runAndReadAll(`SELECT word, n FROM ${win} ORDER BY n DESC, word LIMIT 10`));
        },
        async close() {
          await connection.run(`DROP TABLE IF EXISTS ${panes}; DROP TABLE IF EXISTS ${win}`);
        },
      };
    },
    /**
     * Structured Streaming's windowed count with a watermark, in SQL: each batch of
     * [eventTimeMs, word] rows is appended to a staging table, counted per (window start, word)
     * into a state table (rows whose window ended by the watermark are dropped), and windows the
     * new watermark passed are moved to the result, as Spark's append mode emits them.
     */
    async openWatermarkedWindowCount(windowMs, delayMs) {
      const id = windows++;
      const staging = `staging_${id}`;
      const state = `state_${id}`;
      const result = `result_${id}`;
      await connection.run(`CREATE TABLE ${staging} (t BIGINT, word VARCHAR)`);
      await connection.run(`CREATE TABLE ${state} (start BIGINT, word VARCHAR, n BIGINT, PRIMARY KEY (start, word))`);
      await connection.run(`CREATE TABLE ${result} (start BIGINT, word VARCHAR, n BIGINT)`);
      let watermark = 0;
      const evict = async () => {
        await connection.run(`INSERT INTO ${result} SELECT start, word, n FROM ${state} WHERE start + $w <= $wm`, { w: windowMs, wm: watermark });
        await connection.run(`DELETE FROM ${state} WHERE start + $w <= $wm`, { w: windowMs, wm: watermark });
      };
      // The batch's rows come from `load` (which fills the staging table); the rest is the same for every input form.
      const process = async () => {
        await connection.run(
          `INSERT INTO ${state} SELECT t - (t % $w) AS start, word, count(*) FROM ${staging}
             WHERE t - (t % $w) + $w > $wm GROUP BY ALL
           ON CONFLICT DO UPDATE SET n = n + excluded.n`,
          { w: windowMs, wm: watermark },
        );
        const max = Number((await connection.runAndReadAll(`SELECT max(t) FROM ${staging}`)).getRows()[0][0]);
        await connection.run(`DELETE FROM ${staging}`);
        await evict();
        if (max - delayMs > watermark) {
          watermark = max - delayMs;
          await evict();
        }
      };
      return {
        /** A batch from a CSV file of `timestamp,word` lines (timestamps as `YYYY-MM-DD HH:MM:SS.fff`, UTC), read by DuckDB's own CSV reader. */
        async batchCsv(path) {
          await connection.run(
            `INSERT INTO ${staging} SELECT epoch_ms(ts), word FROM read_csv('${path.replaceAll("'", "''")}',
               columns = {'ts': 'TIMESTAMP', 'word': 'VARCHAR'}, header = false, delim = ',', quote = '', escape = '', auto_detect = false)`,
          );
          await process();
        },
        async batch(rows) {
          const appender = await connection.createAppender(staging);
          for (const [t, word] of rows) {
            appender.appendBigInt(BigInt(t));
            appender.appendVarchar(word);
            appender.endRow();
          }
          appender.closeSync();
          await process();
        },
        /** Every evicted (window start, word, count). */
        async results() {
          return (await connection.runAndReadAll(`SELECT start, word, n FROM ${result}`)).getRows().map(([start, word, n]) => [Number(start), word, Number(n)]);
        },
      };
    },
    /**
     * The same with a count and sum of `value` per window and no key, over rate-source rows
     * generated in SQL: values `from .. to - 1`, value v at `startMs + round((v - from) * msPerValue)`.
     */
    async openWatermarkedWindowSum(windowMs, delayMs) {
      const id = windows++;
      const state = `sum_state_${id}`;
      const result = `sum_result_${id}`;
      await connection.run(`CREATE TABLE ${state} (start BIGINT PRIMARY KEY, n BIGINT, s DOUBLE)`);
      await connection.run(`CREATE TABLE ${result} (start BIGINT, n BIGINT, s DOUBLE)`);
      let watermark = 0;
      const evict = async () => {
        await connection.run(`INSERT INTO ${result} SELECT * FROM ${state} WHERE start + $w <= $wm`, { w: windowMs, wm: watermark });
        await connection.run(`DELETE FROM ${state} WHERE start + $w <= $wm`, { w: windowMs, wm: watermark });
      };
      return {
        async batchRange(startMs, msPerValue, from, to) {
          const rows = `SELECT (${startMs} + round((v - ${from}) * ${msPerValue}))::BIGINT AS t, v FROM range(${from}, ${to}) r(v)`;
          await connection.run(
            `INSERT INTO ${state} SELECT t - (t % $w) AS start, count(*), sum(v)::DOUBLE FROM (${rows})
               WHERE t - (t % $w) + $w > $wm GROUP BY ALL
             ON CONFLICT DO UPDATE SET n = n + excluded.n, s = s + excluded.s`,
            { w: windowMs, wm: watermark },
          );
          await evict();
          const max = startMs + Math.round((to - 1 - from) * msPerValue);
          if (max - delayMs > watermark) watermark = max - delayMs;
        },
        async results() {
          return (await connection.runAndReadAll(`SELECT start, n, s FROM ${result}`)).getRows().map(([start, n, s]) => [Number(start), Number(n), Number(s)]);
        },
      };
    },
    close() {
      connection.closeSync();
      instance.closeSync?.();
    },
  };
}
