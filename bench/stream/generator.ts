// The text generator of the streaming workload, run as its own process: a TCP server on 127.0.0.1
// that writes the lines of a corpus file, cycling, at a rate its parent sets over IPC. Every 10 ms
// tick writes the lines that are due; the first line of a tick starts with the token `~<ms>`, the
// wall-clock time it was written, so the job can measure each record's latency to its output.
// Each connection starts at the corpus's first line, so a batch's lines follow from the line
// counts of the batches before it.
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { MARKER, type GeneratorCommand, type GeneratorReport } from './protocol.js';

const TICK_MS = 10;
/** Stop writing while this much is queued in the process; the rate is then not sustained. */
const MAX_BACKLOG = 256 << 20;

function main(): void {
  const corpus = readFileSync(process.argv[2]!);
  let socket: Socket | undefined;
  let at = 0; // next byte of the corpus to send, always at a line start
  let rate = 0; // bytes per second
  let rateSince = performance.now();
  let dueBase = 0; // bytes due before the current rate began
  let sent = 0;
  let connections = 0;

  const due = () => dueBase + (rate * (performance.now() - rateSince)) / 1000;
  const tick = () => {
    if (!socket || socket.writableLength > MAX_BACKLOG) return;
    const target = due();
    let marked = false;
    while (sent < target) {
      const end = Math.min(corpus.indexOf(10, Math.min(at + Math.ceil(target - sent), corpus.length - 1)) + 1, corpus.length);
      const chunk = corpus.subarray(at, end);
      const prefix = marked ? '' : `${MARKER}${Date.now()} `;
      marked = true;
      // The marker and the chunk go out in one writev, the chunk by reference: joining them into a
      // fresh buffer cost the generator a page fault per 4 KB, CPU the job shares.
      socket.cork();
      if (prefix) socket.write(prefix);
      socket.write(chunk);
      socket.uncork();
      sent += chunk.length + prefix.length;
      at = end === corpus.length ? 0 : end;
    }
  };
  const timer = setInterval(tick, TICK_MS);
  const statsTimer = setInterval(() => {
    send({ stats: { time: Date.now(), sentBytes: sent, dueBytes: due(), backlogBytes: socket?.writableLength ?? 0, connections } });
  }, 250);

  const server = createServer((s) => {
    socket?.destroy();
    socket = s;
    connections++;
    at = 0;
    s.on('error', () => undefined); // the job closing its end is not an error here
    s.on('close', () => {
      if (socket === s) socket = undefined;
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    send({ listening: typeof address === 'object' && address ? address.port : 0 });
  });
  process.on('message', (command: GeneratorCommand) => {
    if ('stop' in command) {
      clearInterval(timer);
      clearInterval(statsTimer);
      socket?.destroy();
      server.close();
      process.disconnect?.();
      return;
    }
    dueBase = Math.max(sent, 0);
    rateSince = performance.now();
    rate = command.rate;
  });
}

function send(report: GeneratorReport): void {
  process.send?.(report);
}

main();
