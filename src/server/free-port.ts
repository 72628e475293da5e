// Finds a TCP port free on a host, for a job's web UI: the OS picks one (port 0), which is then
// released for the job to bind. Another process could take it in between; the UI then moves to
// the next free port as Spark's does, and the address reported may be stale (see the README).
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/** A port that was free on `host` a moment ago. */
export async function freePort(host: string): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
