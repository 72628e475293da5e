// The binary form of a batch in a checkpoint. Data stays in the form the core holds it: a wasm
// core's packed table is written as its bytes, text as its UTF-8 lines, `[string, number]` pairs
// as two columns (keys as one UTF-16 arena, values as float64s); anything else goes through V8's
// structured serializer. No JSON, and no object per key on the way out.
import { deserialize, serialize } from 'node:v8';
import { Batch } from '../batch/batch.js';
import { KeyMap } from '../batch/keys.js';
import { NumberPairsBatch } from '../batch/number-pairs.js';
import { TextBatch, type LineBlock } from '../batch/text-batch.js';
import { PackedBatch } from '../core/wasm/packed-tables.js';
import type { MapWithStatePartition } from '../dstream/map-with-state.js';
import { StateMap } from '../dstream/state-map.js';
import { FlintError } from '../errors.js';
import { ByteReader, ByteWriter } from './byte-io.js';

const CODEC = { none: 0, packed: 1, pairs: 2, text: 3, values: 4, mapWithState: 5 } as const;
const COLUMN = { strings: 0, numbers: 1, structured: 2 } as const;

/** Encodes `batch` (or its absence) for a checkpoint file; `what` names the stream in errors. */
export function encodeBatch(batch: Batch<unknown> | undefined, what: string): Uint8Array[] {
  const w = new ByteWriter();
  if (batch === undefined) return w.u8(CODEC.none).finish();
  if (batch instanceof PackedBatch) return w.u8(CODEC.packed).bytes(new Uint8Array(batch.packed)).finish();
  if (batch instanceof TextBatch) return encodeText(w, batch);
  if (batch instanceof NumberPairsBatch) return encodeColumns(w, batch, what);
  const parts = batch.partitions;
  const header = (kind: number) => w.u8(kind).f64(batch.hashPartitions ?? -1).u32(parts.length);
  if (isMapWithState(parts)) return encodeMapWithState(header(CODEC.mapWithState), parts, what);
  if (parts.every((p) => p.every(isPair))) {
    header(CODEC.pairs);
    for (const p of parts) {
      const pairs = p as readonly (readonly [unknown, unknown])[];
      column(w, pairs.map((e) => e[0]), what);
      column(w, pairs.map((e) => e[1]), what);
    }
    return w.finish();
  }
  header(CODEC.values);
  for (const p of parts) w.bytes(structured(p, what));
  return w.finish();
}

/** Decodes what {@link encodeBatch} wrote; `file` names the file in errors. */
export function decodeBatch(payload: Buffer, file: string): Batch<unknown> | undefined {
  const r = new ByteReader(payload, file);
  const first = r.u8();
  if (first === CODEC.none) return undefined;
  if (first === CODEC.packed) return new PackedBatch(copyToArrayBuffer(r.bytes()));
  if (first === CODEC.text) return decodeText(r);
  const hash = r.f64();
  const n = r.u32();
  const hashPartitions = hash < 0 ? undefined : hash;
  const parts: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    if (first === CODEC.pairs) {
      const keys = readColumn(r);
      const values = readColumn(r);
      parts.push(keys.map((k, j) => [k, values[j]]));
    } else if (first === CODEC.values) {
      parts.push(deserialize(r.bytes()) as unknown[]);
    } else if (first === CODEC.mapWithState) {
      parts.push([readMapWithState(r)]);
    } else {
      throw new FlintError('CHECKPOINT_CORRUPT', `checkpoint file "${file}" holds a batch of unknown kind ${first}`);
    }
  }
  return new Batch(parts, hashPartitions);
}

/** The columns as they are: the same bytes as the pairs they hold, without building them. */
function encodeColumns(w: ByteWriter, batch: NumberPairsBatch, what: string): Uint8Array[] {
  w.u8(CODEC.pairs).f64(batch.hashPartitions ?? -1).u32(batch.columns.length);
  for (const { keys, values } of batch.columns) {
    column(w, keys, what);
    w.u8(COLUMN.numbers).bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return w.finish();
}

function encodeText(w: ByteWriter, batch: TextBatch): Uint8Array[] {
  w.u8(CODEC.text).u32(batch.blocks.length);
  for (const blocks of batch.blocks) {
    w.u32(blocks.length);
    for (const b of blocks) w.u32(b.lines).bytes(b.bytes);
  }
  return w.finish();
}

function decodeText(r: ByteReader): TextBatch {
  const parts: LineBlock[][] = [];
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const blocks: LineBlock[] = [];
    const m = r.u32();
    for (let j = 0; j < m; j++) {
      const lines = r.u32();
      blocks.push({ lines, bytes: r.bytes() });
    }
    parts.push(blocks);
  }
  return new TextBatch(parts);
}

function encodeMapWithState(w: ByteWriter, parts: readonly (readonly unknown[])[], what: string): Uint8Array[] {
  for (const p of parts) {
    const { table } = p[0] as MapWithStatePartition<unknown, unknown, unknown>;
    const keys: unknown[] = [];
    const states: unknown[] = [];
    const updated = new Float64Array(table.size);
    let i = 0;
    for (const [k, e] of table.entries()) {
      keys.push(k);
      states.push(e.state);
      updated[i++] = e.updatedAt;
    }
    column(w, keys, what);
    column(w, states, what);
    w.bytes(new Uint8Array(updated.buffer));
  }
  return w.finish();
}

function readMapWithState(r: ByteReader): MapWithStatePartition<unknown, unknown, unknown> {
  const keys = readColumn(r);
  const states = readColumn(r);
  const raw = r.bytes();
  const updated = new Float64Array(copyToArrayBuffer(raw));
  const table = StateMap.empty<unknown, { state: unknown; updatedAt: number }>();
  for (let i = 0; i < keys.length; i++) table.set(keys[i], { state: states[i], updatedAt: updated[i]! });
  return { table, mapped: [] };
}

// A column of strings is one UTF-16 arena plus lengths: lossless for any JS string (lone
// surrogates included, which UTF-8 would replace), and decoded with one toString.
function column(w: ByteWriter, values: readonly unknown[], what: string): void {
  if (values.every((v) => typeof v === 'string')) {
    const strings = values as readonly string[];
    const lengths = new Uint32Array(strings.length);
    for (let i = 0; i < strings.length; i++) lengths[i] = strings[i]!.length;
    w.u8(COLUMN.strings).bytes(new Uint8Array(lengths.buffer)).bytes(Buffer.from(strings.join(''), 'utf16le'));
  } else if (values.every((v) => typeof v === 'number')) {
    w.u8(COLUMN.numbers).bytes(new Uint8Array(Float64Array.from(values as readonly number[]).buffer));
  } else {
    w.u8(COLUMN.structured).bytes(structured(values, what));
  }
}

function readColumn(r: ByteReader): unknown[] {
  const kind = r.u8();
  if (kind === COLUMN.strings) {
    const lengths = new Uint32Array(copyToArrayBuffer(r.bytes()));
    const text = r.bytes().toString('utf16le');
    const out: string[] = new Array(lengths.length);
    let at = 0;
    for (let i = 0; i < lengths.length; i++) {
      out[i] = text.slice(at, at + lengths[i]!);
      at += lengths[i]!;
    }
    return out;
  }
  if (kind === COLUMN.numbers) return numbers(r.bytes());
  return deserialize(r.bytes()) as unknown[];
}

// A loop, not Array.from: Array.from walks a typed array through its iterator, about five times
// slower (over 100 ms of a restart per million values here).
function numbers(bytes: Uint8Array): number[] {
  const floats = new Float64Array(copyToArrayBuffer(bytes));
  const out: number[] = new Array(floats.length);
  for (let i = 0; i < floats.length; i++) out[i] = floats[i]!;
  return out;
}

function structured(values: readonly unknown[], what: string): Uint8Array {
  try {
    return serialize(values);
  } catch (error) {
    throw new FlintError(
      'CHECKPOINT_UNSUPPORTED',
      `${what} holds a value that cannot be checkpointed (${(error as Error).message}); ` +
        'keep state and window values to plain data (numbers, strings, arrays, plain objects, Maps, Dates, typed arrays)',
      { cause: error },
    );
  }
}

function isPair(x: unknown): boolean {
  return Array.isArray(x) && x.length === 2;
}

function isMapWithState(parts: readonly (readonly unknown[])[]): boolean {
  return parts.length > 0 && parts.every((p) => p.length === 1 && isStateTable((p[0] as { table?: unknown })?.table));
}

// mapWithState's tables; a KeyMap is read the same way (entries() and size).
function isStateTable(table: unknown): boolean {
  return table instanceof StateMap || table instanceof KeyMap;
}

// Typed arrays need an aligned, exclusively owned buffer; a view into the file's buffer is neither.
function copyToArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}
