// Headless Chromium for the UI's browser test, its screenshot and its overhead bench: Debian's
// `chromium` package driven by playwright-core, with a fresh profile each launch.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The browser binary: `FLINT_CHROMIUM`, or Debian's package. */
export const CHROMIUM_PATH = process.env.FLINT_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet, offline, sandbox-less headless run (CI runs as root in a container). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running browser; `close()` also removes its profile. */
export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Whether the browser binary is installed. */
export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Launches headless Chromium with a fresh user-data directory. */
export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<Chromium> {
  if (!chromiumInstalled()) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}; install it with: apt-get install -y chromium (or set FLINT_CHROMIUM to a Chromium binary)`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'flint-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
