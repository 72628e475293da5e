// The key hash: known xxHash32 vectors, and the AssemblyScript kernel against the JS reference.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hashString, xxhash32 } from '../src/index.js';

const enc = new TextEncoder();

describe('xxhash32', () => {
  it('matches the reference vectors', () => {
    expect(xxhash32(enc.encode(''))).toBe(0x02cc5d05);
    expect(xxhash32(enc.encode('a'))).toBe(0x550d7456);
    expect(xxhash32(enc.encode('abc'))).toBe(0x32d153ff);
    expect(xxhash32(enc.encode('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
    expect(hashString('abc')).toBe(0x32d153ff);
  });

  it('hashes multi-byte UTF-8 keys by their bytes', () => {
    expect(hashString('héllo ✓')).toBe(xxhash32(enc.encode('héllo ✓')));
  });

  it('gives the same hash in the wasm kernel as in JS', async () => {
    const bytes = readFileSync(new URL('../build/flint.wasm', import.meta.url));
    const { instance } = await WebAssembly.instantiate(bytes, {
      env: { abort: () => { throw new Error('abort'); } },
    });
    const { xxhash32: wasmHash, memory } = instance.exports as unknown as {
      xxhash32(ptr: number, len: number, seed: number): number;
      memory: WebAssembly.Memory;
    };
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    if (memory.buffer.byteLength < 65536) memory.grow(1);
    const view = new Uint8Array(memory.buffer);
    const base = 1024;
    for (let i = 0; i < 500; i++) {
      const len = Math.floor(rand() * 70);
      for (let j = 0; j < len; j++) view[base + j] = Math.floor(rand() * 256);
      expect(wasmHash(base, len, 0) >>> 0).toBe(xxhash32(view, base, base + len));
    }
  });
});
