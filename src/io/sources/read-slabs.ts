// ReadSlabs: socket reads go straight into large slabs, which the received blocks then keep by
// reference. Node's default gives every read a fresh 64 KB buffer, so 200 MB/s meant about 3000
// small ArrayBuffers a second for the garbage collector; a 1 MiB slab takes 16 reads and is freed
// with the last block that refers to it. A read still takes at most 64 KB, as Node's own do: the
// memory bound lets a receiver read one chunk beyond it, and that chunk stays as small as before.

/** Size of a slab. */
const SLAB_BYTES = 1 << 20;
/** Most bytes one read takes (Node's default read size). */
const READ_BYTES = 64 << 10;

/** The buffers of a socket's `onread` option, cut from slabs in turn. */
export class ReadSlabs {
  private slab: Buffer | undefined;
  private used = 0;

  /** The region the next read fills (Node calls this after every read). */
  next(): Buffer {
    if (this.slab === undefined || this.slab.length - this.used < READ_BYTES) {
      this.slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.used = 0;
    }
    return this.slab.subarray(this.used, this.used + READ_BYTES);
  }

  /** The `bytes` a read put at the start of the region {@link ReadSlabs.next} gave; they stay. */
  filled(bytes: number): Buffer {
    const chunk = this.slab!.subarray(this.used, this.used + bytes);
    this.used += bytes;
    return chunk;
  }
}
