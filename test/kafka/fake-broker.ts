// A Kafka "broker" that speaks just enough of the protocol to see how a client connects: it
// answers ApiVersions and SaslHandshake, records the SaslAuthenticate bytes and refuses them, and
// closes the connection on anything else. Over TLS it records whether the client's certificate
// was verified. For the TLS/SASL tests; the mock cluster has neither.
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';

/** What the broker saw. */
export interface BrokerLog {
  /** Api keys of the requests, in order (18 ApiVersions, 17 SaslHandshake, 36 SaslAuthenticate). */
  requests: number[];
  /** Mechanisms asked for in SaslHandshake. */
  mechanisms: string[];
  /** SaslAuthenticate payloads, as text. */
  authBytes: string[];
  /** For TLS: whether each connection's client certificate was verified against the CA. */
  authorized: boolean[];
  /** For TLS: the common names of client certificates. */
  clientNames: string[];
}

/** A started fake broker: its address and what it saw. */
export interface FakeBroker {
  readonly address: string;
  readonly log: BrokerLog;
  close(): Promise<void>;
}

/** Starts a fake broker on 127.0.0.1; with `tls`, a TLS server with those options. */
export async function startFakeBroker(tls?: TlsOptions): Promise<FakeBroker> {
  const log: BrokerLog = { requests: [], mechanisms: [], authBytes: [], authorized: [], clientNames: [] };
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (tls) {
      const t = socket as TLSSocket;
      log.authorized.push(t.authorized);
      const cn = t.getPeerCertificate()?.subject?.CN;
      if (cn) log.clientNames.push(Array.isArray(cn) ? cn.join(',') : cn);
    }
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        const reply = answer(frame, log);
        if (reply) socket.write(reply);
        else socket.destroy();
      }
    });
  };
  const server: Server = tls ? createTlsServer(tls, onSocket) : createNetServer(onSocket);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    log,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// The response frame to a request frame (header: api key, version, correlation id, client id), or undefined to hang up.
function answer(frame: Buffer, log: BrokerLog): Buffer | undefined {
  const apiKey = frame.readInt16BE(0);
  const version = frame.readInt16BE(2);
  const correlationId = frame.readInt32BE(4);
  const clientIdLength = frame.readInt16BE(8);
  const body = frame.subarray(10 + Math.max(clientIdLength, 0));
  log.requests.push(apiKey);
  const w = new Writer();
  w.int32(correlationId);
  if (apiKey === 18) {
    w.int16(0);
    const apis: [number, number, number][] = [[18, 0, 2], [17, 0, 1], [36, 0, 1], [3, 0, 1]];
    w.int32(apis.length);
    for (const [key, min, max] of apis) w.int16(key).int16(min).int16(max);
    if (version >= 1) w.int32(0);
  } else if (apiKey === 17) {
    log.mechanisms.push(body.subarray(2, 2 + body.readInt16BE(0)).toString());
    w.int16(0).int32(1).string('PLAIN');
  } else if (apiKey === 36) {
    log.authBytes.push(body.subarray(4, 4 + body.readInt32BE(0)).toString());
    w.int16(58).string('fake broker: authentication refused').int32(0);
    if (version >= 1) w.int32(0).int32(0);
  } else {
    return undefined;
  }
  return w.frame();
}

class Writer {
  private readonly parts: Buffer[] = [];
  int16(n: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    this.parts.push(b);
    return this;
  }
  int32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    this.parts.push(b);
    return this;
  }
  string(s: string): this {
    this.int16(Buffer.byteLength(s));
    this.parts.push(Buffer.from(s));
    return this;
  }
  frame(): Buffer {
    const body = Buffer.concat(this.parts);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    return Buffer.concat([size, body]);
  }
}
