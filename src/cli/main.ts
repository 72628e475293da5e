#!/usr/bin/env node
// The `flint` command: parses the command line, runs the command, and turns every outcome into an
// exit status: 0 done, 1 the job failed, 2 a usage or configuration mistake (one line, no stack).
import { readFileSync } from 'node:fs';
import { FlintError } from '../errors.js';
import { parseCommandLine, UsageError } from './args.js';
import { flintHelp, jobsHelp, serveHelp, wordCountHelp } from './help.js';
import { runJobCommand } from './job-client.js';
import { runServe } from './serve.js';
import { runWordCount } from './wordcount.js';

/** Runs `flint` with `argv` (without `node` and the script) and returns the exit status. */
async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    switch (command.kind) {
      case 'help':
        process.stdout.write({ flint: flintHelp, wordcount: wordCountHelp, serve: serveHelp, jobs: jobsHelp }[command.topic]());
        return 0;
      case 'version':
        process.stdout.write(`flint ${version()}\n`);
        return 0;
      case 'wordcount':
        return await runWordCount(
          command.config,
          { out: process.stdout, err: process.stderr, statusLine: process.stderr.isTTY === true, ui: true },
          stopSignal(),
        );
      case 'serve':
        return await runServe(command.config, { err: process.stderr }, stopSignal());
      case 'submit':
      case 'status':
      case 'stop':
        return await runJobCommand(command, { out: process.stdout, err: process.stderr });
    }
  } catch (error) {
    // Mistakes in flags or options (a bad core, an unusable directory) are the user's to fix:
    // say what and how in one line. Anything else is a bug, and its stack helps to report it.
    if (error instanceof UsageError || error instanceof FlintError) {
      process.stderr.write(`flint: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`flint: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

/**
 * Aborts on the first SIGINT or SIGTERM (the job then stops gracefully) and when stdout is closed
 * by its reader (`flint ... | head`). Any other stdout failure (a full disk) aborts with that
 * error as the reason, which fails the job. After the first signal the handlers are removed, so a
 * second signal ends the process at once with the default action, even while a long batch keeps
 * the event loop busy.
 */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (): void => {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    controller.abort();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (controller.signal.aborted) return;
    if (error.code === 'EPIPE') controller.abort();
    else controller.abort(new Error(`cannot write to standard output: ${error.message}`, { cause: error }));
  });
  return controller.signal;
}

function version(): string {
  // dist/src/cli/main.js and src/cli/main.ts both sit three levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

process.exitCode = await main(process.argv.slice(2));
// Anything a bounded stop left behind (an abandoned output, a source that did not stop) must not
// keep the finished command alive; the timer is unref'd, so a clean exit does not wait for it.
setTimeout(() => process.exit(), 2000).unref();
