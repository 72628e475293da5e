// JSON in columns and DDL schemas: from_json over Kafka-style binary values with a DDL schema,
// `select('data.*')` / `SELECT data.*` star expansion, nested structs and arrays, malformed text as
// a struct of nulls (Spark 3's PERMISSIVE from_json); to_json(struct('*')) and struct(...) for a
// Kafka sink's value; get_json_object paths; `t.*` over a join; DDL strings in schema().
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { functions as F, schemaOf, type Row } from '../src/index.js';
import { parseDdlSchema } from '../src/sql/ddl-schema.js';
import { CORES } from './support/harness.js';
import { cleanUp, session, StreamTest, tempDir } from './support/stream-test.js';

const { col, from_json, to_json, struct, get_json_object } = F;
afterEach(cleanUp);

const EVENTS = [
  '{"id": 1, "user": {"name": "ann", "tags": ["a", "b"]}, "at": "2024-01-01T10:00:00Z", "score": 2.5}',
  '{"id": 2, "user": {"name": "bob"}, "extra": true}',
  'not json',
];

describe.each(CORES)('JSON functions (%s core)', (core) => {
  it("from_json on Kafka-style binary values with a DDL schema, then select('data.*')", async () => {
    const flint = session(core);
    const input = flint.memoryStream('kafka', schemaOf({ value: 'binary' }));
    const parsed = input
      .toDF()
      .select(from_json(col('value'), 'id BIGINT, user STRUCT<name: STRING, tags: ARRAY<STRING>>, at TIMESTAMP, score DOUBLE').as('data'))
      .select('data.*');
    expect(parsed.schema?.fields.map((f) => [f.name, typeof f.dataType === 'string' ? f.dataType : f.dataType.type])).toEqual([['id', 'long'], ['user', 'struct'], ['at', 'timestamp'], ['score', 'double']]);
    const t = new StreamTest(flint, parsed.select(col('id'), col('user.name'), col('user.tags'), col('at'), col('score')), 'append');
    await t.start();
    input.addData(...EVENTS.map((e) => ({ value: Buffer.from(e) })));
    await t.checkNewAnswer([1, 'ann', ['a', 'b'], new Date('2024-01-01T10:00:00Z').getTime(), 2.5], [2, 'bob', null, null, null], [null, null, null, null, null]);
  });

  it('to_json(struct(*)) and struct(a, b): null fields left out, timestamps as ISO text', async () => {
    const flint = session(core);
    const df = flint.createDataFrame([{ id: 7, name: 'x', at: new Date(0), gone: null }], schemaOf({ id: 'long', name: 'string', at: 'timestamp', gone: 'string' }));
    const out = (await df.select(to_json(struct('*')).as('value'), to_json(struct('id', col('name'))).as('small'), struct('id', 'name').as('s')).collect()) as Row[];
    expect(out).toEqual([{ value: '{"id":7,"name":"x","at":"1970-01-01T00:00:00.000Z"}', small: '{"id":7,"name":"x"}', s: { id: 7, name: 'x' } }]);
    expect(df.select(to_json(struct('*'))).columns).toEqual(['to_json(struct(*))']);
  });

  it('get_json_object: fields, array elements, bracketed names; null when absent or not JSON', async () => {
    const flint = session(core);
    const df = flint.createDataFrame(EVENTS.map((json) => ({ json })), schemaOf({ json: 'string' }));
    const out = (await df.select(get_json_object('json', '$.user.name').as('name'), get_json_object('json', '$.user.tags[1]').as('tag'), get_json_object('json', "$['user']").as('user')).collect()) as Row[];
    expect(out).toEqual([
      { name: 'ann', tag: 'b', user: '{"name":"ann","tags":["a","b"]}' },
      { name: 'bob', tag: null, user: '{"name":"bob"}' },
      { name: null, tag: null, user: null },
    ]);
    expect(() => get_json_object('json', 'user.name')).toThrow(/the path "user.name" must start with \$/);
  });

  it('in SQL: from_json with a DDL string, data.* from a subquery, e.* of one side of a join', async () => {
    const flint = session(core);
    flint.createDataFrame(EVENTS.slice(0, 2).map((value) => ({ value })), schemaOf({ value: 'string' })).createOrReplaceTempView('raw');
    const parsed = flint.sql("SELECT data.* FROM (SELECT from_json(value, 'id BIGINT, score DOUBLE') AS data FROM raw) AS p");
    expect(parsed.columns).toEqual(['id', 'score']);
    parsed.createOrReplaceTempView('events');
    flint.createDataFrame([{ id: 1, team: 'red' }], schemaOf({ id: 'long', team: 'string' })).createOrReplaceTempView('teams');
    const joined = flint.sql('SELECT e.*, t.team FROM events e LEFT JOIN teams t USING (id) ORDER BY id');
    expect(joined.columns).toEqual(['id', 'score', 'team']);
    expect(((await joined.collect()) as Row[]).map((r) => Object.values(r))).toEqual([[1, 2.5, 'red'], [2, null, null]]);
    expect(((await flint.sql('SELECT to_json(struct(*)) AS j FROM events ORDER BY id').collect()) as Row[]).map((r) => r.j)).toEqual(['{"id":1,"score":2.5}', '{"id":2}']);
    expect(() => flint.sql('SELECT id.* FROM events')).toThrow(/id\.\*: "id" is neither a relation in FROM nor a struct column/);
  });

  it("selectExpr('data.*') and a DDL schema for the streaming file source", async () => {
    const flint = session(core);
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), `${EVENTS[0]}\n`);
    const files = flint.readStream.schema('id BIGINT, user STRUCT<name: STRING>').json(dir);
    const t = new StreamTest(flint, files.selectExpr('id', 'user.*'), 'append');
    await t.start();
    await t.checkNewAnswer([1, 'ann']);
  });
});

describe('DDL schemas', () => {
  it("parse Spark's DDL: types, ARRAY, STRUCT with and without colons, quoted names, NOT NULL and COMMENT", () => {
    const s = parseDdlSchema("`my id` BIGINT NOT NULL, name VARCHAR(20) COMMENT 'the name', price DECIMAL(10, 2), tags ARRAY<STRING>, pos STRUCT<x: DOUBLE, y DOUBLE>, ok BOOLEAN, at TIMESTAMP, raw BINARY");
    expect(s.fields.map((f) => [f.name, f.dataType])).toEqual([
      ['my id', 'long'],
      ['name', 'string'],
      ['price', 'double'],
      ['tags', { type: 'array', elementType: 'string' }],
      ['pos', { type: 'struct', fields: [{ name: 'x', dataType: 'double', nullable: true }, { name: 'y', dataType: 'double', nullable: true }] }],
      ['ok', 'boolean'],
      ['at', 'timestamp'],
      ['raw', 'binary'],
    ]);
  });

  it.each([
    ['id WIDGET', /unknown type 'WIDGET'/],
    ['id ARRAY<STRING', /expected '>'/],
    ['id BIGINT name STRING', /unexpected 'name STRIN'/],
    ['123 BIGINT', /expected a column name/],
  ])('%s fails', (ddl, message) => {
    expect(() => parseDdlSchema(ddl)).toThrow(message);
    expect(() => parseDdlSchema(ddl)).toThrow(/cannot parse the schema/);
  });
});
