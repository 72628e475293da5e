// `npm run screenshot:ui`: runs a word count of demo text read from a socket at a rate that swells
// and ebbs, opens its Streaming page in headless Chromium after a while and saves a screenshot to
// docs/ui-streaming.png (for the README). FLINT_UI_SHOT_SECONDS sets how long the job runs first.
import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { DemoLines } from '../../src/cli/demo-source.js';
import { pair, StreamingContext, sum, words } from '../../src/index.js';
import { launchChromium } from '../lib/chromium.js';
import { repoPath } from '../lib/paths.js';

const SECONDS = Number(process.env.FLINT_UI_SHOT_SECONDS ?? 40);

/**
 * A TCP server on 127.0.0.1 writing demo lines to whoever connects, at a rate going around `base`
 * lines/s in a 20-second wave.
 */
async function wavyDemoServer(base: number): Promise<{ port: number; close(): void }> {
  const lines = new DemoLines({ seed: 7 });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
  });
  const started = performance.now();
  let last = started;
  const timer = setInterval(() => {
    const now = performance.now();
    const rate = base * (1 + 0.6 * Math.sin(((now - started) / 20_000) * 2 * Math.PI));
    const text = `${lines.take(Math.round((rate * (now - last)) / 1000)).join('\n')}\n`;
    last = now;
    for (const socket of sockets) socket.write(text);
  }, 50);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

async function main(): Promise<void> {
  const ssc = new StreamingContext({ batchInterval: 500, master: 'local[2]', core: 'wasm', appName: 'word count (demo)', ui: { port: 0 }, out: { write: () => true } });
  const source = await wavyDemoServer(100_000);
  const lines = ssc.socketTextStream('127.0.0.1', source.port);
  lines.flatMap(words).map(pair(1)).reduceByKey(sum).print(5);
  lines.count().print();
  await ssc.start();
  const browser = await launchChromium({ width: 1280, height: 1500 });
  try {
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    const page = await browser.context.newPage();
    await page.goto(`${ssc.uiWebUrl}/streaming/`);
    await page.waitForSelector('#timeline-inputRate[data-points]');
    await page.waitForTimeout(1500);
    const file = repoPath('docs/ui-streaming.png');
    mkdirSync(repoPath('docs'), { recursive: true });
    await page.screenshot({ path: file });
    console.log(`saved ${file}`);
  } finally {
    await browser.close();
    await ssc.stop();
    source.close();
  }
}

await main();
