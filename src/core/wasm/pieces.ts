// Cutting a partition's text into pieces at line ends, so several workers can share one large
// partition (and a fast worker takes more pieces than a slow one).
import type { LineBlock } from '../../batch/text-batch.js';

const LF = 0x0a;

/**
 * The bytes of `blocks`, in order, as pieces of about `pieceBytes` (never cutting a line). Each
 * piece is a list of byte ranges to be copied together.
 */
export function piecesOf(blocks: readonly LineBlock[], pieceBytes: number): Uint8Array[][] {
  const pieces: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let size = 0;
  const flush = (): void => {
    if (current.length > 0) pieces.push(current);
    current = [];
    size = 0;
  };
  for (const { bytes } of blocks) {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let from = 0;
    while (from < buf.length) {
      const room = pieceBytes - size;
      if (buf.length - from <= room) {
        current.push(buf.subarray(from));
        size += buf.length - from;
        break;
      }
      // Blocks end with \n, so a line end always exists at or after the cut point.
      const to = buf.indexOf(LF, from + Math.max(0, room - 1)) + 1;
      current.push(buf.subarray(from, to));
      from = to;
      flush();
    }
    if (size >= pieceBytes) flush();
  }
  flush();
  return pieces;
}
