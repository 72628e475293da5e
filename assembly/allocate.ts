// Allocation helpers shared by the kernels' tables.

/** `bytes` of fresh heap memory, zero-filled (empty buckets and slots read as 0). */
export function zeroed(bytes: usize): usize {
  const p = heap.alloc(bytes);
  memory.fill(p, 0, bytes);
  return p;
}
