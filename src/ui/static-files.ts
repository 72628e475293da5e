// The page's files: HTML, JS and CSS shipped in the package under src/ui/static (found from
// src/ui when run from source and from dist/src/ui when built), and uPlot from its npm package.
// Read once, then served from memory.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A file the UI serves. */
export interface StaticFile {
  contentType: string;
  body: Buffer;
}

const require = createRequire(import.meta.url);

/** The package's root directory: two levels above this file in src, three in dist. */
export function packageRoot(): URL {
  for (const root of [new URL('../../', import.meta.url), new URL('../../../', import.meta.url)]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name?: string };
      if (pkg.name === 'flint-streaming') return root;
    } catch {
      // Not this level; try the next.
    }
  }
  throw new Error('the flint-streaming package root was not found above src/ui');
}

/** The package's version, shown as the application's version. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('package.json', packageRoot()), 'utf8')) as { version: string }).version;
}

// Served name -> where it is and its type. Nothing outside this table is served.
function sources(): Map<string, { path: string; contentType: string }> {
  const own = (name: string, contentType: string) => ({ path: fileURLToPath(new URL(`src/ui/static/${name}`, packageRoot())), contentType });
  return new Map([
    ['index.html', own('index.html', 'text/html; charset=utf-8')],
    ['streaming.js', own('streaming.js', 'text/javascript; charset=utf-8')],
    ['streaming.css', own('streaming.css', 'text/css; charset=utf-8')],
    ['uPlot.iife.min.js', { path: require.resolve('uplot/dist/uPlot.iife.min.js'), contentType: 'text/javascript; charset=utf-8' }],
    ['uPlot.min.css', { path: require.resolve('uplot/dist/uPlot.min.css'), contentType: 'text/css; charset=utf-8' }],
  ]);
}

/** The UI's static files, loaded on first request. */
export class StaticFiles {
  private table: Map<string, { path: string; contentType: string }> | undefined;
  private readonly cache = new Map<string, Promise<StaticFile>>();

  /** The file served as `name`, or `undefined` for any other name. */
  get(name: string): Promise<StaticFile> | undefined {
    this.table ??= sources();
    const source = this.table.get(name);
    if (!source) return undefined;
    let file = this.cache.get(name);
    if (!file) {
      file = readFile(source.path).then((body) => ({ contentType: source.contentType, body }));
      // A failed read is retried on the next request rather than cached.
      file.catch(() => this.cache.delete(name));
      this.cache.set(name, file);
    }
    return file;
  }
}
