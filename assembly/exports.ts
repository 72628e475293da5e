// Reusable buffers the JS side writes input into and reads output from: pointers and lengths only.

let scratchPtr: usize = 0;
let scratchCap: usize = 0;
let outPtr: usize = 0;
let outCap: usize = 0;

/** A reusable input buffer of at least `size` bytes (its contents are the caller's). */
export function scratch(size: usize): usize {
  if (size > scratchCap) {
    if (scratchPtr != 0) heap.free(scratchPtr);
    scratchCap = size;
    scratchPtr = heap.alloc(size);
  }
  return scratchPtr;
}

/**
 * A second reusable buffer, for output, independent of {@link scratch}. It has 16 writable bytes
 * past `size`: packing writes short keys as whole 16-byte vectors.
 */
export function outBuffer(size: usize): usize {
  if (size > outCap) {
    if (outPtr != 0) heap.free(outPtr);
    outCap = size;
    outPtr = heap.alloc(size + 16);
  }
  return outPtr;
}
