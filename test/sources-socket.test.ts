// socketTextStream against a real TCP server on 127.0.0.1: lines, reconnects, errors, clean stop.
import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Batch, FlintError } from '../src/index.js';
import { checkHostPort, SocketReceiver } from '../src/io/sources/socket-receiver.js';
import {
  advanceUntil,
  flat,
  freePort,
  LineServer,
  openHandles,
  record,
  sourceContext,
  type SourceTestEnv,
  waitFor,
} from './support/sources-helpers.js';

const FAST = { reconnectInitialDelay: 10, reconnectMaxDelay: 40 };

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function server(port?: number): Promise<LineServer> {
  const s = await LineServer.listen(port);
  cleanup.push(() => s.close());
  return s;
}

function context(): SourceTestEnv {
  const env = sourceContext();
  cleanup.push(() => env.ssc.stop());
  return env;
}

/** A started context reading lines from `port` through a SocketReceiver the test can inspect. */
async function socketPipeline(port: number, options = {}) {
  const env = context();
  const receiver = new SocketReceiver('127.0.0.1', port, { ...FAST, ...options });
  const batches = record(env.ssc.receiverStream(receiver, `SocketReceiver(127.0.0.1:${port})`));
  await env.ssc.start();
  return { ...env, receiver, batches };
}

const messages = (env: SourceTestEnv): string[] => env.errors.map((e) => e.lastErrorMessage);

describe('socketTextStream', () => {
  it('reads lines cut across TCP chunks, with CRLF, multi-byte characters and a final line without newline', async () => {
    const srv = await server();
    const env = context();
    const lines = record(env.ssc.socketTextStream('127.0.0.1', srv.port, FAST));
    await env.ssc.start();
    await srv.waitForClients(1);
    const euro = Buffer.from('€');
    for (const piece of ['hel', 'lo wor', 'ld\r', '\nsecond\n', '\n', euro.subarray(0, 1), euro.subarray(1), ' cost\r\n', 'last']) {
      await srv.write(piece);
    }
    srv.clients[0]!.end();
    await advanceUntil(env, () => flat(lines).length >= 5, 'five lines');
    expect(flat(lines)).toEqual(['hello world', 'second', '', '€ cost', 'last']);
  });

  it('assigns lines to batches in order, each batch cut into local[2] partitions', async () => {
    const srv = await server();
    const env = await socketPipeline(srv.port);
    await srv.waitForClients(1);
    await srv.write('a\nb\nc\nd\n');
    await advanceUntil(env, () => flat(env.batches).length >= 4, 'four lines');
    expect(flat(env.batches)).toEqual(['a', 'b', 'c', 'd']);
    // Real I/O decides which tick a line falls before; every batch is sliced as parallelize does.
    for (const batch of env.batches) expect(batch).toEqual(Batch.of(batch.flat(), 2).partitions);
  });

  it('replaces invalid UTF-8 with U+FFFD and keeps going', async () => {
    const srv = await server();
    const env = context();
    const lines = record(env.ssc.socketTextStream('127.0.0.1', srv.port, FAST));
    await env.ssc.start();
    await srv.waitForClients(1);
    await srv.write(Buffer.from([0x6f, 0x6b, 0xff, 0x0a, 0xc3, 0x0a]));
    await srv.write('fine\n');
    await advanceUntil(env, () => flat(lines).length >= 3, 'three lines');
    expect(flat(lines)).toEqual(['ok\uFFFD', '\uFFFD', 'fine']);
    expect(env.errors).toEqual([]);
  });

  it('skips a line over maxLineBytes, reports it with the count and counts it in droppedLines', async () => {
    const srv = await server();
    const env = await socketPipeline(srv.port, { maxLineBytes: 8 });
    await srv.waitForClients(1);
    await srv.write('short\n' + 'x'.repeat(100) + '\nalso ok\n' + 'y'.repeat(9) + '\nend\n');
    await advanceUntil(env, () => flat(env.batches).length >= 3, 'three lines');
    expect(flat(env.batches)).toEqual(['short', 'also ok', 'end']);
    expect(env.receiver.droppedLines).toBe(2);
    const tooLong = messages(env).filter((m) => m.includes('maxLineBytes'));
    expect(tooLong).toEqual([
      expect.stringContaining(`longer than maxLineBytes (8 bytes) from 127.0.0.1:${srv.port} skipped (1 line skipped so far)`),
      expect.stringContaining('(2 lines skipped so far)'),
    ]);
    expect(env.errors[0]!.name).toBe(`SocketReceiver(127.0.0.1:${srv.port})`);
    expect(env.errors[0]!.lastError).toContain('FlintError: line longer than maxLineBytes');
  });

  it('reconnects when the server drops the connection, reporting it to listeners', async () => {
    const srv = await server();
    const env = await socketPipeline(srv.port);
    (await srv.waitForClients(1)).end('before\n');
    await srv.waitForClients(2);
    await srv.write('after\n');
    await advanceUntil(env, () => flat(env.batches).length >= 2, 'lines from both connections');
    expect(flat(env.batches)).toEqual(['before', 'after']);
    expect(env.receiver.connections).toBe(2);
    expect(messages(env)).toEqual([`connection to 127.0.0.1:${srv.port} closed by the server; reconnecting in 10 ms`]);
  });

  it('keeps retrying with growing delays while the server is gone, then reconnects when it is back', async () => {
    const first = await LineServer.listen();
    const port = first.port;
    const env = await socketPipeline(port);
    await first.waitForClients(1);
    await first.close();
    await waitFor(() => env.errors.length >= 4, 'several failed reconnects');
    const failures = messages(env);
    expect(failures[0]).toBe(`connection to 127.0.0.1:${port} closed by the server; reconnecting in 10 ms`);
    expect(failures[1]).toMatch(new RegExp(`^cannot connect to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*; reconnecting in 20 ms$`));
    expect(failures[2]).toMatch(/reconnecting in 40 ms$/);
    expect(failures[3]).toMatch(/reconnecting in 40 ms$/); // capped at reconnectMaxDelay
    expect(env.ssc.getState()).toBe('ACTIVE');

    const back = await server(port);
    await back.waitForClients(1);
    await back.write('back\n');
    await advanceUntil(env, () => flat(env.batches).length >= 1, 'a line after the server came back');
    expect(flat(env.batches)).toEqual(['back']);
  });

  it('reports a refused connection at start instead of failing, and keeps retrying', async () => {
    const port = await freePort();
    const env = context();
    env.ssc.socketTextStream('127.0.0.1', port, FAST).foreachRDD(() => undefined);
    await env.ssc.start();
    await waitFor(() => env.errors.length >= 2, 'two failed attempts');
    expect(env.errors[0]).toMatchObject({
      name: `SocketReceiver(127.0.0.1:${port})`,
      lastErrorMessage: expect.stringMatching(/^cannot connect to .*ECONNREFUSED.*; reconnecting in 10 ms$/),
      lastError: expect.stringContaining('ECONNREFUSED'),
    });
    await env.clock.advance(3000);
    expect(env.ssc.getState()).toBe('ACTIVE');
  });

  it('reports an unknown host to listeners and keeps retrying', async () => {
    const env = context();
    env.ssc.socketTextStream('no-such-host.invalid', 9999, FAST).foreachRDD(() => undefined);
    await env.ssc.start();
    await waitFor(() => env.errors.length >= 2, 'two failed lookups', 15_000);
    expect(messages(env)[0]).toMatch(/^cannot connect to no-such-host\.invalid:9999: .+; reconnecting in 10 ms$/);
    expect(env.ssc.getState()).toBe('ACTIVE');
  });

  it('gives up a connection attempt after connectTimeout, reports it and retries', async () => {
    // A connect that never completes, without depending on how the network drops packets.
    const connect = vi.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket) {
      return this;
    });
    cleanup.push(async () => void connect.mockRestore());
    const env = await socketPipeline(9, { connectTimeout: 20 });
    await waitFor(() => env.errors.length >= 2, 'two timed-out attempts');
    expect(messages(env).slice(0, 2)).toEqual([
      'cannot connect to 127.0.0.1:9: no connection after 20 ms; reconnecting in 10 ms',
      'cannot connect to 127.0.0.1:9: no connection after 20 ms; reconnecting in 20 ms',
    ]);
  });

  it('ssc.stop() closes the connection and leaves no socket or timer open', async () => {
    const before = openHandles();
    const srv = await LineServer.listen();
    const env = sourceContext();
    const receiver = new SocketReceiver('127.0.0.1', srv.port, FAST);
    env.ssc.receiverStream(receiver, 'sock').foreachRDD(() => undefined);
    await env.ssc.start();
    await srv.waitForClients(1);
    await env.clock.advance(1000);
    await env.ssc.stop();
    expect(receiver.isStopped()).toBe(true);
    expect(env.stopped).toEqual(['sock']);
    await waitFor(() => srv.closedClients === 1, 'the server to see the connection close');
    await srv.close();
    await waitFor(() => openHandles().sockets <= before.sockets && openHandles().timers <= before.timers, 'handles to be released');
  });

  it('ssc.stop() while waiting to reconnect cancels the retry timer', async () => {
    const before = openHandles();
    const env = sourceContext();
    const receiver = new SocketReceiver('127.0.0.1', await freePort(), { reconnectInitialDelay: 60_000 });
    env.ssc.receiverStream(receiver, 'sock').foreachRDD(() => undefined);
    await env.ssc.start();
    await waitFor(() => env.errors.length === 1, 'the first failure');
    expect(openHandles().timers).toBeGreaterThan(before.timers);
    await env.ssc.stop();
    // No handle of ours is left; handles another test left behind may still be closing.
    const settled = () => openHandles().timers <= before.timers && openHandles().sockets <= before.sockets;
    await waitFor(settled, 'the retry timer and socket to be gone', 2000);
    expect(settled()).toBe(true);
  });
});

describe('socketTextStream arguments', () => {
  const env = sourceContext();

  it.each([
    ['', 9999, /host must be a host name or IP address/],
    ['   ', 9999, /host must be a host name or IP address/],
    ['http://localhost', 9999, /not a valid host name or IP address/],
    ['local host', 9999, /not a valid host name or IP address/],
    ['localhost:9999', 9999, /looks like host:port; pass the port separately, e\.g\. socketTextStream\('localhost', 9999\)/],
    ['-bad.example', 9999, /not a valid host name/],
    ['localhost', 0, /port must be an integer TCP port from 1 to 65535/],
    ['localhost', 65536, /port must be an integer/],
    ['localhost', 99.5, /port must be an integer/],
    ['localhost', Number.NaN, /port must be an integer/],
    ['localhost', '9999', /port must be an integer/],
    [undefined, 9999, /host must be a host name/],
  ])('rejects host %j port %j at the call', (host, port, message) => {
    const call = (): unknown => env.ssc.socketTextStream(host as string, port as number);
    expect(call).toThrow(FlintError);
    expect(call).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) }));
  });

  it.each([
    ['localhost', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['my-host.example.com', 'my-host.example.com'],
    ['::1', '::1'],
    ['[::1]', '::1'],
    ['fqdn.example.', 'fqdn.example.'],
  ])('accepts host %j (connecting to %j)', (host, connectTo) => {
    expect(checkHostPort(host, 1)).toBe(connectTo);
    expect(new SocketReceiver(host, 65535).host).toBe(connectTo);
  });

  it.each([
    [{ maxLineBytes: 0 }, 'options.maxLineBytes must be a positive integer'],
    [{ reconnectInitialDelay: -1 }, 'options.reconnectInitialDelay must be a positive number of ms'],
    [{ reconnectMaxDelay: Number.NaN }, 'options.reconnectMaxDelay must be a positive number of ms'],
    [{ connectTimeout: 0 }, 'options.connectTimeout must be a positive number of ms'],
    [{ reconnectInitialDelay: 100, reconnectMaxDelay: 50 }, 'must not be less than options.reconnectInitialDelay'],
  ])('rejects options %j', (options, message) => {
    expect(() => env.ssc.socketTextStream('localhost', 9999, options)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) }));
  });
});
