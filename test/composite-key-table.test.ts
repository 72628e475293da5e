// The wasm core's composite-key table kernel (assembly/composite.ts) against the js core's table:
// the same upserts, removes and compactions give the same ids, keys and liveness.
import { describe, expect, it } from 'vitest';
import type { CompositeKeyTable } from '../src/core/core.js';
import { JsCompositeKeyTable } from '../src/core/js/composite-key-table.js';
import { KernelCompositeKeyTable } from '../src/core/wasm/composite-key-table.js';

function snapshot(t: CompositeKeyTable): (number[] | null)[] {
  return Array.from({ length: t.count }, (_, id) => (t.isLive(id) ? Array.from({ length: t.width }, (_, k) => t.key(id, k)) : null));
}

describe('CompositeKeyTable', () => {
  it.each([1, 2, 3])('kernel and js tables agree over upserts, removes and compactions (width %i)', (width) => {
    let seed = width;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const tables = [new JsCompositeKeyTable(width), new KernelCompositeKeyTable(width)];
    for (let round = 0; round < 12; round++) {
      const n = 5000;
      const keys = new Float64Array(n * width);
      for (let i = 0; i < keys.length; i++) keys[i] = i % width === 0 ? round * 600_000 + Math.floor(rand() * 4) * 600_000 : Math.floor(rand() * 300) - (rand() < 0.1 ? 0.5 : 0);
      const ids = tables.map((t) => {
        const out = new Int32Array(n);
        t.upsert(keys, n, out);
        return [...out];
      });
      expect(ids[1]).toEqual(ids[0]);
      // Equal keys get equal ids, different keys different ids.
      const seen = new Map<string, number>();
      for (let r = 0; r < n; r++) {
        const k = keys.subarray(r * width, (r + 1) * width).join(',');
        expect(seen.get(k) ?? ids[0]![r]).toBe(ids[0]![r]);
        seen.set(k, ids[0]![r]!);
      }
      // Evict the oldest window starts, as the watermark would.
      for (const t of tables) for (let id = 0; id < t.count; id++) if (t.isLive(id) && t.key(id, 0) < (round - 1) * 600_000) t.remove(id);
      expect(tables[1]!.live).toBe(tables[0]!.live);
      if (round % 4 === 3) expect([...tables[1]!.compact()]).toEqual([...tables[0]!.compact()]);
      expect(snapshot(tables[1]!)).toEqual(snapshot(tables[0]!));
    }
    expect(tables[0]!.live).toBeGreaterThan(0);
    for (const t of tables) t.close();
  });
});
