// Line endings end to end: \n, \r\n and a lone \r each end a line, as with Spark's line readers,
// for sockets, stdin and files, on both cores; on the wasm core the split, pair and sum below run
// as kernels on the received bytes.
import { rename, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock, StreamingContext, type DStream } from '../src/index.js';
import { ReadableReceiver } from '../src/io/sources/readable-receiver.js';
import { CORES } from './support/harness.js';
import { flat, LineServer, record, sleep } from './support/sources-helpers.js';

/** The text, cut into chunks so that a \r ends one chunk and its \n starts the next. */
const CHUNKS = ['a b\rc d\r', '\ne f\r\n', 'g\rh'];
const LINES = ['a b', 'c d', 'e f', 'g', 'h'];

/** Opens a source on `ssc` and returns it with a function that delivers CHUNKS to it. */
type Source = (ssc: StreamingContext) => Promise<{ lines: DStream<string>; deliver(): Promise<void>; close(): Promise<void> }>;

const sources: Record<string, Source> = {
  stdin: async (ssc) => {
    const input = new PassThrough();
    const lines = ssc.receiverStream(new ReadableReceiver(input), 'stdin');
    const deliver = async () => {
      for (const chunk of CHUNKS) {
        input.write(chunk);
        await sleep(1);
      }
      input.end();
    };
    return { lines, deliver, close: async () => undefined };
  },
  socket: async (ssc) => {
    const server = await LineServer.listen();
    const lines = ssc.socketTextStream('127.0.0.1', server.port, { reconnectInitialDelay: 10_000 });
    const deliver = async () => {
      await server.waitForClients(1);
      for (const chunk of CHUNKS) await server.write(chunk);
      server.clients[0]!.end();
    };
    return { lines, deliver, close: () => server.close() };
  },
  file: async (ssc) => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-cr-'));
    const inbox = join(dir, 'in');
    await import('node:fs/promises').then((fs) => fs.mkdir(inbox));
    const lines = ssc.textFileStream(inbox);
    const deliver = async () => {
      await writeFile(join(dir, 'text'), CHUNKS.join(''));
      await rename(join(dir, 'text'), join(inbox, 'text'));
    };
    return { lines, deliver, close: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

describe.each(CORES)('line endings (%s core)', (core) => {
  it.each(Object.keys(sources))('a lone \\r ends a line from %s, as \\n and \\r\\n do', async (name) => {
    const clock = new ManualClock(0);
    const ssc = new StreamingContext({ batchInterval: 1000, master: 'local[2]', core, clock });
    const source = await sources[name]!(ssc);
    const lines = record(source.lines);
    const counts = record(
      source.lines
        .flatMap((line) => line.split(' '))
        .map((w) => [w, 1])
        .reduceByKey((a, b) => a + b),
    );
    try {
      await ssc.start();
      await source.deliver();
      for (let waited = 0; flat(lines).length < LINES.length && waited < 5000; waited += 5) {
        await sleep(5);
        await clock.advance(1000);
      }
      expect(flat(lines)).toEqual(LINES);
      const totals = new Map<string, number>();
      for (const [word, n] of flat(counts)) totals.set(word, (totals.get(word) ?? 0) + n);
      expect([...totals].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((w) => [w, 1]));
    } finally {
      await ssc.stop();
      await source.close();
    }
  });
});
