// Runs the WebAssembly build of the C reference (buildReferenceWasm) under node:wasi, as a child
// process: node run-wasm.js WASM FILE REPS PARTITIONS OUT. Writes what the native build prints to OUT.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { WASI } from 'node:wasi';

const [wasm, file, reps, partitions, outPath] = process.argv.slice(2);
if (!wasm || !file || !reps || !partitions || !outPath) {
  console.error('usage: node run-wasm.js WASM FILE REPS PARTITIONS OUT');
  process.exit(2);
}
// A file, not a stdout pipe: with a pipe the crashes described in build.ts came far more often.
const out = openSync(outPath, 'w');
try {
  const wasi = new WASI({
    version: 'preview1',
    args: ['wordcount', `/data/${basename(file)}`, reps, partitions],
    preopens: { '/data': dirname(file) },
    stdout: out,
    returnOnExit: true,
  });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), wasi.getImportObject() as Record<string, Record<string, unknown>>);
  process.exitCode = wasi.start(instance as object);
} finally {
  closeSync(out);
}
