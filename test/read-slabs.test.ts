// Socket reads land in shared slabs: every read's bytes stay as they were after later reads.
import { describe, expect, it } from 'vitest';
import { ReadSlabs } from '../src/io/sources/read-slabs.js';

describe('ReadSlabs', () => {
  it('gives each read a region of its own, at most 64 KB, and keeps what earlier reads filled', () => {
    const slabs = new ReadSlabs();
    const kept: [Buffer, number][] = [];
    let size = 1;
    for (let i = 0; i < 200; i++) {
      const region = slabs.next();
      expect(region.length).toBeLessThanOrEqual(64 << 10);
      size = (size * 7919) % (64 << 10) || 1;
      const bytes = Math.min(size, region.length);
      region.fill(i % 251, 0, bytes);
      kept.push([slabs.filled(bytes), i % 251]);
    }
    for (const [chunk, value] of kept) expect(chunk.every((b) => b === value)).toBe(true);
    // Several reads share a slab: fewer ArrayBuffers than reads.
    expect(new Set(kept.map(([c]) => c.buffer)).size).toBeLessThan(kept.length / 4);
  });
});
