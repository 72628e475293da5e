// The file sink's partitionBy and the file source's partition directories, as Spark lays them out:
// `column=value/` directories (values escaped, nulls as __HIVE_DEFAULT_PARTITION__, timestamps in
// UTC), files without the partition columns, every file in `_spark_metadata`; a query reading the
// directory back gets the rows whole, on both cores and both file formats.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { schemaOf, type Row } from '../src/index.js';
import { escapePartitionValue, partitionValuesOfPath } from '../src/sql/partition-paths.js';
import { FileSinkLog } from '../src/sql/sinks/file-sink-log.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, sorted, StreamTest, tempDir, tuple } from './support/stream-test.js';

afterEach(cleanUp);

const SCHEMA = schemaOf({ id: 'long', day: 'string', kind: 'string', v: 'double' });

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.startsWith('part-'))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe.each(CORES)('partitionBy and partition directories (%s core)', (core) => {
  it.each(['json', 'csv'] as const)('%s: rows land under column=value directories without those columns, and read back whole', async (format) => {
    const flint = session(core);
    const input = flint.memoryStream('events', SCHEMA);
    const out = tempDir();
    const query = await input.toDF().writeStream.format(format).partitionBy('day', 'kind').option('checkpointLocation', tempDir()).start(out);
    const rows: Row[] = [
      { id: 1, day: '2024-01-01', kind: 'a/b', v: 1.5 },
      { id: 2, day: '2024-01-01', kind: 'c', v: 2 },
      { id: 3, day: '2024-01-02', kind: null, v: -1 },
    ];
    input.addData(...rows.slice(0, 2));
    await query.processAllAvailable();
    input.addData(...rows.slice(2));
    await query.processAllAvailable();
    await query.stop();
    const written = files(out);
    expect(written.map((f) => f.split('/').slice(0, -1).join('/'))).toEqual(['day=2024-01-01/kind=a%2Fb', 'day=2024-01-01/kind=c', 'day=2024-01-02/kind=__HIVE_DEFAULT_PARTITION__']);
    const first = readFileSync(join(out, written[0]!), 'utf8');
    expect(first).not.toContain('2024-01-01');
    expect(first).toContain('1.5');
    const logged = new FileSinkLog(out).allFiles().map((f) => relative(out, f.path)).sort();
    expect(logged).toEqual(written);
    // Read back: the partition columns come from the directories.
    const back = flint.readStream.format(format).schema(SCHEMA).load(out);
    const t = new StreamTest(flint, back, 'append');
    await t.start();
    await t.checkNewAnswer(...rows.map(tuple));
  });

  it('a plain directory with partition subdirectories is read with their values; other subdirectories are not entered', async () => {
    const flint = session(core);
    const dir = tempDir();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dir, 'n=7'));
    mkdirSync(join(dir, 'n=__HIVE_DEFAULT_PARTITION__'));
    mkdirSync(join(dir, 'scratch'));
    writeFileSync(join(dir, 'n=7', 'a.json'), '{"w":"x"}\n{"w":"y"}\n');
    writeFileSync(join(dir, 'n=__HIVE_DEFAULT_PARTITION__', 'b.json'), '{"w":"z"}\n');
    writeFileSync(join(dir, 'scratch', 'c.json'), '{"w":"never"}\n');
    writeFileSync(join(dir, 'top.json'), '{"w":"top","n":1}\n');
    const t = new StreamTest(flint, flint.readStream.schema(schemaOf({ w: 'string', n: 'long' })).json(dir), 'append');
    await t.start();
    await t.checkNewAnswer(['x', 7], ['y', 7], ['z', null], ['top', 1]);
  });

  it('fileNameOnly: a file whose name was seen in another directory is not read again', async () => {
    const flint = session(core);
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const read = async (fileNameOnly: boolean) => {
      const dir = tempDir();
      for (const p of ['p=1', 'p=2']) {
        mkdirSync(join(dir, p));
        writeFileSync(join(dir, p, 'a.txt'), `${p}\n`);
      }
      const t = new StreamTest(flint, flint.readStream.option('fileNameOnly', fileNameOnly).text(dir), 'append');
      await t.start();
      await t.query!.processAllAvailable();
      const rows = await t.all();
      await t.stop();
      return rows.length;
    };
    expect(await read(false)).toBe(2);
    expect(await read(true)).toBe(1);
  });

  it('a rerun batch after a restart writes no partition file twice', async () => {
    const flint = session(core);
    const input = flint.memoryStream('events', SCHEMA);
    const out = tempDir();
    const ckpt = tempDir();
    const start = () => input.toDF().writeStream.format('json').partitionBy('day').option('checkpointLocation', ckpt).start(out);
    let query = await start();
    input.addData({ id: 1, day: 'd1', kind: 'k', v: 1 }, { id: 2, day: 'd2', kind: 'k', v: 2 });
    await query.processAllAvailable();
    await query.stop();
    query = await start();
    input.addData({ id: 3, day: 'd1', kind: 'k', v: 3 });
    await query.processAllAvailable();
    await query.stop();
    expect(new FileSinkLog(out).allFiles()).toHaveLength(3);
    const back = flint.readStream.schema(SCHEMA).json(out);
    const t = new StreamTest(flint, back, 'append');
    await t.start();
    await t.query!.processAllAvailable();
    expect(sorted(await t.all()).map((r) => r[0])).toEqual([1, 2, 3]);
  });

  it('refuses a partition column the query does not have, and partitionBy on a sink that is not a file sink', async () => {
    const flint = session(core);
    const df = flint.memoryStream('events', SCHEMA).toDF();
    await expect(df.writeStream.format('json').partitionBy('month').option('checkpointLocation', tempDir()).start(tempDir())).rejects.toThrow(/Partition column "month" not found in schema id, day, kind, v/);
    await expect(df.writeStream.format('console').partitionBy('day').start()).rejects.toThrow(/partitionBy applies to the file sinks \(json, csv\), not to console/);
  });
});

describe('partition path values', () => {
  it("escapes as Spark's ExternalCatalogUtils, and reads its own paths back", () => {
    expect(escapePartitionValue('a/b:c=d%e')).toBe('a%2Fb%3Ac%3Dd%25e');
    expect(escapePartitionValue(null)).toBe('__HIVE_DEFAULT_PARTITION__');
    expect(escapePartitionValue('')).toBe('__HIVE_DEFAULT_PARTITION__');
    expect(escapePartitionValue(new Date(Date.UTC(2024, 0, 1, 10, 0, 0)))).toBe('2024-01-01 10%3A00%3A00');
    expect(escapePartitionValue(42)).toBe('42');
    expect([...partitionValuesOfPath('d=a%2Fb/k=__HIVE_DEFAULT_PARTITION__/x=/part-0.json')]).toEqual([['d', 'a/b'], ['k', null], ['x', '']]);
  });
});
