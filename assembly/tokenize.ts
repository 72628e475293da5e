// Tokenizing: splits UTF-8 text on separator bytes without creating strings. Separators are the
// bytes flagged in a 256-byte table; the wasm core only uses ASCII separators, and no byte of a
// multi-byte UTF-8 character is ASCII, so a token never ends inside a character.
//
// Two ways to split, matching the two JS functions the kernels stand in for:
//   tokens (Flint's `split`/`words`): runs of separators separate, empty tokens are dropped;
//   fields (JS's `line.split(' ')`): every separator ends a field, so "a  b" has an empty field
//     between a and b, and an empty line is one empty field.
// Input is whole lines, each ending with `\n`, and `\n` is always a separator. (Sources already
// turned `\r\n` and a lone `\r` into `\n`: see LineBlock in src/batch/text-batch.ts.)
//
// A scan is generic over its sink, a class with an @inline `token(start: usize, len: u32)` method.
// Each sink gets its own copy of the loop with its update inlined: the tokenizer stays apart from
// the table without a call per token (the token loop is the word count's hot path).

// True when no byte above 0x20 (space) is a separator: then separators can be found 16 bytes at
// a time as "bytes <= 0x20" and checked against the table only there.
export function separatorsAreControlOrSpace(seps: usize): bool {
  for (let b: usize = 0x21; b < 256; b++) if (load<u8>(seps + b) != 0) return false;
  return true;
}

/**
 * Passes each token (or, with `fields`, each field) of the `len` bytes at `input` to `sink`, in
 * text order, and returns how many there were. Only for separators that are control characters or
 * space (see separatorsAreControlOrSpace). The input needs 16 readable bytes after its end.
 */
// A bitmask of bytes <= 0x20 per 16-byte block; each set bit that is a real separator ends a
// token. Bytes past `end` are masked off, and a token running up to `end` is passed last, so the
// loop has no end-of-token test of its own.
// @ts-ignore: decorator
@inline
export function scanTokensSimd<S>(sink: S, input: usize, len: u32, seps: usize, fields: bool): u32 {
  const end = input + len;
  const space = i8x16.splat(0x20);
  let start = input;
  let tokens: u32 = 0;
  for (let base = input; base < end; base += 16) {
    let mask = <u32>i8x16.bitmask(i8x16.le_u(v128.load(base), space));
    const remain = end - base;
    if (remain < 16) mask &= ~(<u32>0xffff << <u32>remain);
    while (mask != 0) {
      const pos = base + <usize>ctz(mask);
      mask &= mask - 1;
      if (load<u8>(seps + load<u8>(pos)) == 0) continue;
      if (fields || pos > start) {
        sink.token(start, <u32>(pos - start));
        tokens++;
      }
      start = pos + 1;
    }
  }
  if (end > start) {
    sink.token(start, <u32>(end - start));
    tokens++;
  }
  return tokens;
}

/** The same for any separator set, one byte at a time. */
// @ts-ignore: decorator
@inline
export function scanTokensBytewise<S>(sink: S, input: usize, len: u32, seps: usize, fields: bool): u32 {
  const end = input + len;
  let p = input;
  let tokens: u32 = 0;
  if (fields) {
    let start = input;
    for (; p < end; p++) {
      if (load<u8>(seps + load<u8>(p)) == 0) continue;
      sink.token(start, <u32>(p - start));
      tokens++;
      start = p + 1;
    }
    if (end > start) {
      sink.token(start, <u32>(end - start));
      tokens++;
    }
    return tokens;
  }
  while (p < end) {
    while (p < end && load<u8>(seps + load<u8>(p)) != 0) p++;
    if (p >= end) break;
    const start = p;
    while (p < end && load<u8>(seps + load<u8>(p)) == 0) p++;
    sink.token(start, <u32>(p - start));
    tokens++;
  }
  return tokens;
}
