// Which piece of a batch's text each worker counts next. Every worker fills one table per
// *segment*, a range of consecutive pieces, so merging the segments' partials in text order gives
// each key its first-seen position, as the js core does. A worker that runs out of pieces takes the
// back half of the largest unsent remainder of another worker's segment (work stealing), so a
// worker slowed down by the host does not leave the other idle at the end of a batch.
//
//   worker 0: [0 1 2 3 4 5 6 7]          worker 1: [8 9 10 11 12 13 14 15]
//   worker 1 is slow; when worker 0 has taken piece 7, pieces 12..15 are still unsent:
//   worker 0: [0 .. 7] [14 15]           worker 1: [8 .. 13]
//   partials merged in segment order: 0, 8, 14

/** A piece to count and the segment (named by its first piece) whose table it goes into. */
export interface Assignment {
  piece: number;
  segment: number;
}

interface Segment {
  readonly start: number;
  next: number;
  end: number;
}

/** Hands out pieces `0 .. n-1` to workers, segment by segment. */
export class PieceScheduler {
  /** Segments to start with that hold a piece: more workers than this would have nothing to do. */
  readonly initialSegments: number;
  private readonly unstarted: Segment[];
  private readonly current = new Map<number, Segment>();

  /**
   * `ranges` are the segments to start with, `[start, end)` in piece order. With `splittable`,
   * a segment may be cut in two (only when regrouping cannot change a result, e.g. exact sums).
   */
  constructor(
    ranges: readonly (readonly [number, number])[],
    private readonly splittable: boolean,
  ) {
    this.unstarted = ranges.filter(([start, end]) => end > start).map(([start, end]) => ({ start, next: start, end }));
    this.initialSegments = this.unstarted.length;
  }

  /** `[start, end)` of consecutive groups of pieces of the given sizes. */
  static consecutiveRanges(sizes: readonly number[]): [number, number][] {
    let start = 0;
    return sizes.map((n) => [start, (start += n)]);
  }

  /** `pieces` consecutive pieces cut into `parts` segments of about the same number of pieces. */
  static evenRanges(pieces: number, parts: number): [number, number][] {
    return Array.from({ length: parts }, (_, i) => [Math.floor((i * pieces) / parts), Math.floor(((i + 1) * pieces) / parts)]);
  }

  /** The next piece for `worker`, or undefined when no piece is left to hand out. */
  take(worker: number): Assignment | undefined {
    let segment = this.current.get(worker);
    if (segment === undefined || segment.next >= segment.end) {
      segment = this.unstarted.shift() ?? this.steal();
      if (segment === undefined) return undefined;
      this.current.set(worker, segment);
    }
    return { piece: segment.next++, segment: segment.start };
  }

  // The back half of the largest unsent remainder, if it leaves a piece on each side.
  private steal(): Segment | undefined {
    if (!this.splittable) return undefined;
    let victim: Segment | undefined;
    for (const s of this.current.values()) {
      if (s.end - s.next >= 2 && (victim === undefined || s.end - s.next > victim.end - victim.next)) victim = s;
    }
    if (victim === undefined) return undefined;
    const start = victim.end - Math.floor((victim.end - victim.next) / 2);
    const stolen = { start, next: start, end: victim.end };
    victim.end = start;
    return stolen;
  }
}
