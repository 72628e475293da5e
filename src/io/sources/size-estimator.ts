// Estimates the memory held by values a custom receiver stores, for the memory bound on received
// data (Spark's SizeEstimator, much simplified: a few field reads per value, never a full walk).

// V8 on 64-bit: an object header is about 3 words, each field or array slot 1 word.
const HEADER = 24;
const SLOT = 8;
// Deep or wide values are sampled: the first elements stand for the rest.
const MAX_DEPTH = 3;
const SAMPLE = 8;

/**
 * About how many bytes `value` occupies: strings by length (one byte per character, as V8 stores
 * Latin-1 text), buffers by byteLength, arrays and plain objects by their slots plus their
 * contents, sampling the first {@link SAMPLE} entries and at most {@link MAX_DEPTH} levels deep.
 * Good enough to bound memory within a small factor; not a measurement.
 */
export function estimateSize(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return HEADER + value.length;
    case 'object':
      return value === null ? SLOT : objectSize(value, depth);
    case 'bigint':
      return HEADER + SLOT;
    default:
      return SLOT;
  }
}

function objectSize(value: object, depth: number): number {
  if (ArrayBuffer.isView(value)) return HEADER + value.byteLength;
  if (value instanceof ArrayBuffer) return HEADER + value.byteLength;
  const [n, entries] = sampleOf(value);
  let size = HEADER + n * SLOT;
  if (depth >= MAX_DEPTH || entries.length === 0) return size;
  let contents = 0;
  for (const entry of entries) contents += estimateSize(entry, depth + 1);
  size += (contents / entries.length) * n;
  return Math.round(size);
}

// The number of entries of `value` and the first few of them.
function sampleOf(value: object): [number, unknown[]] {
  if (Array.isArray(value)) return [value.length, value.slice(0, SAMPLE)];
  if (value instanceof Map || value instanceof Set) {
    const first: unknown[] = [];
    for (const entry of value) {
      if (first.length === SAMPLE) break;
      first.push(entry);
    }
    return [value.size, first];
  }
  const values = Object.values(value);
  return [values.length, values.slice(0, SAMPLE)];
}
