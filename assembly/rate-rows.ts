// The rate source's rows generated straight into wasm memory: values rangeStart .. rangeEnd - 1,
// partition by partition, each at startMs + Math.round((v - rangeStart) * msPerValue), as
// src/sql/sources/rate-source.ts generates them, for the window aggregation to read in place.

@unmanaged
class RateRows {
  times: usize; // f64 per row
  values: usize; // f64 per row
  cap: u32;
}

/** New empty row buffers. */
export function rateRowsNew(): usize {
  const c = changetype<RateRows>(heap.alloc(offsetof<RateRows>()));
  c.times = 0;
  c.values = 0;
  c.cap = 0;
  return changetype<usize>(c);
}

/** Address of the timestamps (f64 per row), valid until the next generate. */
export function rateRowsTimes(p: usize): usize {
  return changetype<RateRows>(p).times;
}

/** Address of the values (f64 per row). */
export function rateRowsValues(p: usize): usize {
  return changetype<RateRows>(p).values;
}

// JS's Math.round for x >= 0: the nearest integer, halves up (x - floor(x) is exact).
// @ts-ignore: decorator
@inline
function round(x: f64): f64 {
  const f = Math.floor(x);
  return x - f >= 0.5 ? f + 1 : f;
}

/** Generates the rows of the range; returns how many. */
export function rateRowsGenerate(p: usize, rangeStart: f64, rangeEnd: f64, numPartitions: f64, startMs: f64, msPerValue: f64): u32 {
  const c = changetype<RateRows>(p);
  const n = <u32>(rangeEnd - rangeStart);
  if (n > c.cap) {
    if (c.cap != 0) {
      heap.free(c.times);
      heap.free(c.values);
    }
    c.cap = n;
    c.times = heap.alloc((<usize>n) << 3);
    c.values = heap.alloc((<usize>n) << 3);
  }
  let i: usize = 0;
  for (let part: f64 = 0; part < numPartitions; part++) {
    for (let v = rangeStart + part; v < rangeEnd; v += numPartitions, i++) {
      store<f64>(c.times + (i << 3), startMs + round((v - rangeStart) * msPerValue));
      store<f64>(c.values + (i << 3), v);
    }
  }
  return n;
}
