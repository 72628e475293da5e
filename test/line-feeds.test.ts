// The kernels' line-feed scan counts exactly what a byte loop counts, and notes every \r.
import { describe, expect, it } from 'vitest';
import { countLineFeeds, scanLineFeeds } from '../src/core/wasm/line-feeds.js';

function rng(seed: number) {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

function byLoop(bytes: Uint8Array): number {
  let n = 0;
  let cr = false;
  for (const b of bytes) {
    if (b === 0x0a) n++;
    if (b === 0x0d) cr = true;
  }
  return cr ? -(n + 1) : n;
}

describe('scanLineFeeds', () => {
  it('matches a byte loop at every length around the vector widths and the step size', () => {
    const rand = rng(3);
    const lengths = [0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1000, 4096 + 7, (256 << 10) + 33, (600 << 10) + 1];
    for (const len of lengths) {
      for (const crAt of [-1, 0, len - 1, Math.floor(len / 2)]) {
        const bytes = new Uint8Array(len);
        for (let i = 0; i < len; i++) bytes[i] = rand() < 0.05 ? 0x0a : 0x20 + Math.floor(rand() * 200);
        for (let i = 0; i < len; i++) if (bytes[i] === 0x0d) bytes[i] = 0x41;
        if (crAt >= 0 && crAt < len) bytes[crAt] = 0x0d;
        // An offset view, so the copy into WASM memory starts off alignment.
        const view = new Uint8Array(new Uint8Array(len + 3).buffer, 3, len);
        view.set(bytes);
        expect(scanLineFeeds(view)).toBe(byLoop(bytes));
        expect(countLineFeeds(view)).toBe(bytes.filter((b) => b === 0x0a).length);
      }
    }
  });
});
