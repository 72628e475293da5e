// Loads the AssemblyScript kernels (build/flint.wasm) and types their exports in one interface.
// Typed-array views are rebuilt only when memory has grown (PERF-NOTES, point 3).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FlintError } from '../../errors.js';

/** The raw exports of build/flint.wasm. Pointers are unsigned: read them with `>>> 0`. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  xxhash32(ptr: number, len: number, seed: number): number;
  scratch(size: number): number;
  combinerNew(n: number, kind: number): number;
  combinerFree(c: number): void;
  combinerClear(c: number): void;
  combinerAddTokens(c: number, input: number, len: number, seps: number, value: bigint, op: number, fields: number): number;
  combinerMerge(dst: number, src: number, op: number): void;
  combinerDropZeros(c: number): void;
  combinerTrackZeros(c: number): void;
  combinerKeepDenseValues(c: number): void;
  combinerKeysVersion(c: number): number;
  combinerPackValues(c: number, dst: number): void;
  combinerPackedSize(c: number): number;
  combinerPack(c: number, dst: number): void;
  combinerPackSplit(c: number, n: number): number;
  packedSplitSize(): number;
  combinerMergePacked(c: number, src: number, len: number, op: number, hashed: number): number;
  outBuffer(size: number): number;
  countLineFeeds(ptr: number, len: number): number;
  slidingNew(n: number, op: number): number;
  slidingFree(w: number): void;
  slidingSize(w: number): number;
  slidingPush(w: number, packed: number, len: number): number;
  slidingEvict(w: number, count: number): void;
  slidingResult(w: number): number;
  compositeNew(width: number): number;
  compositeFree(c: number): void;
  compositeUpsert(c: number, keys: number, n: number, out: number): void;
  compositeRemove(c: number, id: number): void;
  compositeCompact(c: number, moved: number): void;
  compositeKeys(c: number): number;
  compositeAlive(c: number): number;
  compositeCount(c: number): number;
  compositeLive(c: number): number;
  windowAggNew(width: number, aggs: number, kinds: number): number;
  windowAggFree(g: number): void;
  windowAggTable(g: number): number;
  windowAggBuffer(g: number, k: number, which: number): number;
  windowAggCapacity(g: number): number;
  windowAggEnsure(g: number): void;
  windowAggBegin(g: number): void;
  windowAggUpdate(g: number, n: number, times: number, timeNulls: number, rowKeys: number, windowMs: number, slideMs: number, startMs: number, lateBefore: number, inputs: number, withStats: number): number;
  windowAggEvict(g: number, watermarkMs: number, windowMs: number, out: number): number;
  windowAggSetStats(g: number, max: number, min: number, sum: number, count: number): void;
  windowAggStat(g: number, i: number): number;
  windowAggMerge(g: number): number;
  windowAggTouched(g: number): number;
  windowAggCompact(g: number, moved: number): void;
  dictNew(): number;
  dictFree(d: number): void;
  dictIntern(d: number, ptr: number, len: number): number;
  dictInternCells(d: number, bytes: number, starts: number, ends: number, n: number, out: number, stride: number): void;
  dictBytes(d: number, id: number): number;
  dictLength(d: number, id: number): number;
  dictMemory(d: number): number;
  rateRowsNew(): number;
  rateRowsGenerate(r: number, rangeStart: number, rangeEnd: number, numPartitions: number, startMs: number, msPerValue: number): number;
  rateRowsTimes(r: number): number;
  rateRowsValues(r: number): number;
  csvRowsNew(): number;
  csvRowsParse(c: number, dict: number, input: number, len: number, sep: number, header: number, fields: number, nfields: number, kw: number): number;
  csvRowsTimes(c: number): number;
  csvRowsNulls(c: number): number;
  csvRowsKeys(c: number): number;
}

// dist/src/core/wasm/kernels.js when built, src/core/wasm/kernels.ts under vitest.
const WASM_URLS = [new URL('../../../../build/flint.wasm', import.meta.url), new URL('../../../build/flint.wasm', import.meta.url)];

let compiled: WebAssembly.Module | undefined;

/** The compiled kernel module, read once per thread. */
export function kernelModule(): WebAssembly.Module {
  if (compiled) return compiled;
  let bytes: Buffer | undefined;
  for (const url of WASM_URLS) {
    try {
      bytes = readFileSync(fileURLToPath(url));
      break;
    } catch {
      // not in this layout; try the next
    }
  }
  if (!bytes) {
    throw new FlintError('INVALID_CORE', "the WASM kernels (build/flint.wasm) are missing; run 'npm run asbuild' (npm ci does it)");
  }
  compiled = new WebAssembly.Module(bytes);
  return compiled;
}

/** A fresh kernel instance with its own memory. */
export function instantiateKernels(): KernelExports {
  const instance = new WebAssembly.Instance(kernelModule(), {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new FlintError('JOB_FAILED', `WASM kernel aborted at line ${line}:${col}`);
      },
    },
  });
  return instance.exports as unknown as KernelExports;
}
