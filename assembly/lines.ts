// Counting line feeds of received text: one SIMD pass that also notes carriage returns, so the
// receive path needs no other scan of a clean chunk to know its lines.

/**
 * The number of `\n` bytes in `len` bytes at `ptr` as `n`, or as `-(n + 1)` when a `\r` occurs
 * among them (a receiver then takes the slow path that rewrites line endings).
 */
export function countLineFeeds(ptr: usize, len: usize): i32 {
  const lf = i8x16.splat(0x0a);
  const cr = i8x16.splat(0x0d);
  let crs = i8x16.splat(0);
  let n: i32 = 0;
  const end = ptr + len;
  let p = ptr;
  // Four vectors per step: the compares and popcounts of one step are independent.
  for (; p + 64 <= end; p += 64) {
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const c = v128.load(p, 32);
    const d = v128.load(p, 48);
    n += <i32>popcnt(i8x16.bitmask(i8x16.eq(a, lf)) | (i8x16.bitmask(i8x16.eq(b, lf)) << 16));
    n += <i32>popcnt(i8x16.bitmask(i8x16.eq(c, lf)) | (i8x16.bitmask(i8x16.eq(d, lf)) << 16));
    crs = v128.or(crs, v128.or(v128.or(i8x16.eq(a, cr), i8x16.eq(b, cr)), v128.or(i8x16.eq(c, cr), i8x16.eq(d, cr))));
  }
  for (; p + 16 <= end; p += 16) {
    const a = v128.load(p);
    n += <i32>popcnt(i8x16.bitmask(i8x16.eq(a, lf)));
    crs = v128.or(crs, i8x16.eq(a, cr));
  }
  let sawCr = v128.any_true(crs);
  for (; p < end; p++) {
    const b = load<u8>(p);
    if (b == 0x0d) sawCr = true;
    if (b == 0x0a) n++;
  }
  return sawCr ? -(n + 1) : n;
}
