// RxJS contestants of Flint's benchmarks, two ways each: what a typical user writes (groupBy per
// word; windowTime for windows) and a fair, batched version (lines counted into a Map; panes kept
// with bufferTime + scan, subtracting the pane that leaves). Windows run on a virtual-time
// scheduler, so each `slide` is exactly one slide of the window, with no timers; the streaming
// word count runs on real time, from a TCP socket.
import { connect } from 'node:net';
import {
  bufferCount,
  bufferTime,
  count,
  filter,
  from,
  groupBy,
  map,
  mergeMap,
  Observable,
  reduce,
  scan,
  Subject,
  toArray,
  VirtualAction,
  VirtualTimeScheduler,
  windowTime,
} from 'rxjs';

/** Lines of a UTF-8 text whose lines all end with `\n`. */
const linesOf = (text) => {
  const lines = text.toString('utf8').split('\n');
  lines.pop();
  return lines;
};

/** Adds a pane's counts to `counts` times `sign` (-1 subtracts); words back at 0 are dropped. */
function addCounts(counts, pane, sign = 1) {
  for (const [word, n] of pane) {
    const next = (counts.get(word) ?? 0) + sign * n;
    if (next === 0) counts.delete(word);
    else counts.set(word, next);
  }
  return counts;
}

/** Counts the words of `lines` into `counts`. */
function countLines(lines, counts = new Map()) {
  for (const line of lines) for (const word of line.split(' ')) if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** The typical pipeline's inner part: words grouped, each group counted. */
const countByGroup = (lines$) =>
  lines$.pipe(
    mergeMap((line) => line.split(' ')),
    filter((word) => word !== ''),
    groupBy((word) => word),
    mergeMap((group) => group.pipe(count(), map((n) => [group.key, n]))),
    toArray(),
  );

/** Word count of one text, as a typical RxJS user writes it: groupBy per word. Returns pairs. */
export function typicalWordCount(text) {
  let out = [];
  countByGroup(from(linesOf(text))).subscribe((pairs) => (out = pairs));
  return out;
}

/** Word count of one text in batches of lines folded into one Map. Returns the Map. */
export function batchedWordCount(text) {
  let out = new Map();
  from(linesOf(text))
    .pipe(
      bufferCount(4096),
      reduce((counts, lines) => countLines(lines, counts), new Map()),
    )
    .subscribe((counts) => (out = counts));
  return out;
}

/** A window of `windowPanes` slides driven by hand: each `slide(pane)` is one slide of `slideMs`. */
function virtualWindow(build, slideMs) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, 0);
  const lines = new Subject();
  let latest = [];
  const subscription = build(lines, scheduler).subscribe((result) => (latest = result));
  return {
    slide(pane) {
      for (const line of linesOf(pane)) lines.next(line);
      scheduler.maxFrames += slideMs;
      scheduler.flush();
    },
    pairs: () => latest,
    close: () => subscription.unsubscribe(),
  };
}

/**
 * The typical sliding word count: `windowTime(W, S)` opens a window every slide and every line
 * goes into each of the W/S open windows, where words are grouped and counted.
 */
export function typicalWindow(windowPanes, slideMs = 1000) {
  return virtualWindow(
    (lines, scheduler) => lines.pipe(windowTime(windowPanes * slideMs, slideMs, scheduler), mergeMap(countByGroup)),
    slideMs,
  );
}

/**
 * The fair sliding word count: `bufferTime(S)` cuts panes, each pane is counted once into a Map,
 * and `scan` adds the entering pane to the window and subtracts the one that left.
 */
export function paneWindow(windowPanes, slideMs = 1000) {
  return virtualWindow(
    (lines, scheduler) =>
      lines.pipe(
        bufferTime(slideMs, scheduler),
        map((paneLines) => countLines(paneLines)),
        scan(
          (state, pane) => {
            state.ring.push(pane);
            addCounts(state.total, pane);
            if (state.ring.length > windowPanes) addCounts(state.total, state.ring.shift(), -1);
            return state;
          },
          { ring: [], total: new Map() },
        ),
        map((state) => state.total),
      ),
    slideMs,
  );
}

/**
 * Word count per batch of a TCP text stream, the fair RxJS way: lines from the socket are cut
 * into batches with `bufferTime(batchMs)` and each batch is counted into a Map. `onBatch` gets
 * the batch's line count, its counts and when its counting started (performance.now()).
 */
export function streamingWordCount(port, batchMs, onBatch) {
  const socket = connect({ host: '127.0.0.1', port });
  const lines = new Observable((subscriber) => {
    let rest = '';
    socket.on('data', (chunk) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop();
      for (const line of parts) subscriber.next(line);
    });
    socket.on('error', (error) => subscriber.error(error));
  });
  const subscription = lines
    .pipe(
      bufferTime(batchMs),
      map((batch) => ({ started: performance.now(), lines: batch.length, counts: countLines(batch) })),
    )
    .subscribe({ next: onBatch, error: () => undefined });
  return {
    stop() {
      subscription.unsubscribe();
      socket.destroy();
    },
  };
}
