// The main thread's work per received byte, without the socket and the workers (a developer's
// tool, not part of `npm run bench`): `node dist/bench/stream/receive-path.js <dist>...` feeds
// 64 KB chunks of the streaming corpus through each build's LineSplitter, ReceivedData (one batch
// per 1 s worth of `AB_RATE` MB/s, default 200) and the wasm core's cut into pieces for the
// workers, copied into recycled transfer buffers as countOnPool does. Builds alternate in every
// round; it prints each build's median ms per MB and the median of per-round ratios to the first.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { zipfCorpus } from '../corpus.js';
import { percentile } from '../lib/stats.js';

interface Build {
  name: string;
  LineSplitter: new (max: number, onTooLong: () => void) => {
    pushBlocks?(chunk: Buffer): { bytes: Uint8Array; lines: number }[];
    pushBlock(chunk: Buffer): { bytes: Uint8Array; lines: number } | undefined;
  };
  ReceivedData: new () => { add(piece: unknown): void; take(n: number): { blocks: { bytes: Uint8Array; lines: number }[][] } };
  piecesOf(blocks: unknown[], pieceBytes: number): Uint8Array[][];
  BufferRecycler: new (capacity: number) => { take(size: number): ArrayBuffer; give(b: ArrayBuffer): void };
}

async function load(dist: string): Promise<Build> {
  const m = (p: string) => import(pathToFileURL(join(dist, 'src', p)).href);
  return {
    name: dist,
    LineSplitter: (await m('io/sources/line-splitter.js')).LineSplitter,
    ReceivedData: (await m('io/sources/received-data.js')).ReceivedData,
    piecesOf: (await m('core/wasm/pieces.js')).piecesOf,
    BufferRecycler: (await m('pool/buffer-recycler.js')).BufferRecycler,
  };
}

/** Main-thread ms per MB of `corpus` through `b`'s receive path. */
function run(b: Build, corpus: Buffer, batchBytes: number): number {
  const splitter = new b.LineSplitter(64 << 20, () => undefined);
  const recycler = new b.BufferRecycler(4);
  let data = new b.ReceivedData();
  let inBatch = 0;
  let sink = 0;
  const cut = () => {
    const batch = data.take(2);
    data = new b.ReceivedData();
    inBatch = 0;
    for (const piece of b.piecesOf((batch.blocks ?? []).flat(), 4 << 20)) {
      const total = piece.reduce((n, p) => n + p.byteLength, 0);
      const out = new Uint8Array(recycler.take(total), 0, total);
      let at = 0;
      for (const p of piece) {
        out.set(p, at);
        at += p.byteLength;
      }
      sink += out[0]!;
      recycler.give(out.buffer);
    }
  };
  const start = process.cpuUsage();
  for (let i = 0; i < corpus.length; i += 65536) {
    // A fresh Buffer per chunk, as a socket gives.
    const chunk = Buffer.from(corpus.subarray(i, i + 65536));
    const blocks = b.LineSplitter.prototype.pushBlocks ? splitter.pushBlocks!(chunk) : [splitter.pushBlock(chunk)].filter((x) => x !== undefined);
    for (const block of blocks) {
      data.add({ lines: block });
      inBatch += block.bytes.byteLength;
    }
    if (inBatch >= batchBytes) cut();
  }
  cut();
  const used = process.cpuUsage(start);
  if (sink < 0) console.log(sink);
  return (used.user + used.system) / 1000 / (corpus.length / 1e6);
}

async function main(): Promise<void> {
  const builds = await Promise.all(process.argv.slice(2).map((d) => load(resolve(d))));
  const corpus = zipfCorpus(Number(process.env.AB_CORPUS_MB ?? 200) * 1e6, 100_000, 11);
  const batchBytes = Number(process.env.AB_RATE ?? 200) * 1e6;
  const rounds = Number(process.env.AB_ROUNDS ?? 7);
  const times = builds.map(() => [] as number[]);
  for (let r = -1; r < rounds; r++) {
    const order = builds.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const ms = run(builds[i]!, corpus, batchBytes);
      if (r >= 0) times[i]!.push(ms);
    }
  }
  for (const [i, b] of builds.entries()) {
    const ratios = times[i]!.map((t, r) => t / times[0]![r]!);
    console.log(`${b.name}: ${percentile(times[i]!, 50).toFixed(3)} ms/MB main-thread CPU (x${percentile(ratios, 50).toFixed(2)} vs the first)`);
  }
}

await main();
