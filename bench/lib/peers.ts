// The peer contestants (RxJS, DuckDB) live in bench/peers with their own package.json, so they are
// not dependencies of Flint: the bench installs them, and loads them by path at run time.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPath } from './paths.js';
import type { WordCount } from './top-ten.js';

/** bench/peers in the checkout. */
export const PEERS_DIR = repoPath('bench/peers');

/**
 * Installs the peers unless their installed tree is newer than their lockfile: `npm ci` from the
 * lockfile; `npm install` when there is no lockfile, or when `npm ci` refuses it (DuckDB's
 * bindings for other platforms are optional dependencies that a registry mirror may not carry,
 * and then the lockfile cannot list them). Returns what was done.
 */
export function installPeers(): string {
  const lock = join(PEERS_DIR, 'package-lock.json');
  const installed = join(PEERS_DIR, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && (!existsSync(lock) || statSync(installed).mtimeMs >= statSync(lock).mtimeMs)) return 'peers already installed';
  const npm = (command: string) => execFileSync('npm', [command, '--prefix', PEERS_DIR, '--no-audit', '--no-fund'], { stdio: 'pipe' });
  if (existsSync(lock)) {
    try {
      npm('ci');
      return 'peers installed (npm ci --prefix bench/peers)';
    } catch {
      // fall through to npm install, which resolves what the lockfile lacks
    }
  }
  npm('install');
  return 'peers installed (npm install --prefix bench/peers)';
}

/** A sliding window driven by hand: each `slide(pane)` adds one pane and moves the window. */
export interface PeerWindow {
  slide(pane: Buffer): void | Promise<void>;
  close(): void | Promise<void>;
}

/** bench/peers/rxjs.mjs */
export interface RxjsPeer {
  typicalWordCount(text: Buffer): WordCount[];
  batchedWordCount(text: Buffer): Map<string, number>;
  typicalWindow(windowPanes: number): PeerWindow & { pairs(): Iterable<WordCount> };
  paneWindow(windowPanes: number): PeerWindow & { pairs(): Iterable<WordCount> };
  streamingWordCount(
    port: number,
    batchMs: number,
    onBatch: (batch: { started: number; lines: number; counts: Map<string, number> }) => void,
  ): { stop(): void };
}

/** An in-memory DuckDB database of bench/peers/duckdb.mjs. */
export interface DuckDbPeer {
  readonly threads: number;
  wordCountTop10(path: string): Promise<WordCount[]>;
  openWindow(windowPanes: number): Promise<PeerWindow & { top10(): Promise<WordCount[]> }>;
  /** Structured Streaming's windowed count with a watermark, in SQL (bench:sql). */
  openWatermarkedWindowCount(
    windowMs: number,
    delayMs: number,
  ): Promise<{ batch(rows: [number, string][]): Promise<void>; results(): Promise<[number, string, number][]> }>;
  close(): void;
}

async function load<T>(file: string): Promise<T> {
  return (await import(pathToFileURL(join(PEERS_DIR, file)).href)) as T;
}

/** The RxJS contestants. */
export function loadRxjs(): Promise<RxjsPeer> {
  return load<RxjsPeer>('rxjs.mjs');
}

/** A fresh in-memory DuckDB database. */
export async function openDuckDb(): Promise<DuckDbPeer> {
  return (await load<{ createDuckDB(): Promise<DuckDbPeer> }>('duckdb.mjs')).createDuckDB();
}
