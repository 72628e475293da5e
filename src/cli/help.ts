// The text of `flint --help` and `flint wordcount --help`. The flag list is generated from the
// same table the parser uses, so help cannot drift from what is accepted.
import { WORDCOUNT_FLAGS, type FlagSpec } from './args.js';
import { CLIENT_FLAGS, SERVE_FLAGS, SUBMIT_FLAGS } from './server-args.js';

/** `flint --help`. */
export function flintHelp(): string {
  return `flint: Spark Streaming's DStream model for Node.js

Usage:
  flint <command> [flags]

Commands:
  wordcount   count words in a live stream of lines, batch by batch, and print the top words
  serve       run a job server: Livy's batch REST API, each job a child process
  submit      run a job module on a job server
  status      list a job server's batches, or show one
  stop        stop a batch on a job server

Flags:
  -h, --help  show help (flint <command> --help for the command's flags)
  --version   print the version

Examples:
  flint wordcount --demo --duration 10s
  flint wordcount --socket localhost:9999 --window 30s --slide 5s
  flint serve --jobs-dir dist/examples/jobs & flint submit word-count-job.js --wait

Exit status: 0 when the job ran and stopped, 1 when it failed, 2 for a usage mistake.
`;
}

/** `flint wordcount --help`. */
export function wordCountHelp(): string {
  return `Usage:
  flint wordcount (--socket HOST:PORT | --dir DIR | --stdin | --demo) [flags]

Counts the words of every batch (or of a sliding window, with --window) and prints the top
words in Spark's print() format on stdout, most frequent first (ties by word). On a terminal, a
status line on stderr shows the input rate, processing time and scheduling delay of the last
batch. At the end a summary (batches, records, words, elapsed time, words/s) goes to stderr.

Flags:
${flagLines(WORDCOUNT_FLAGS)}

Durations are written 500ms, 1s, 30s, 5m or 1h. --window uses an incremental window (added
batches summed in, departed ones subtracted, keys back at 0 dropped); it needs a checkpoint
directory, a temporary one unless --checkpoint is given.

Ctrl-C (SIGINT), SIGTERM and the end of --duration stop the job gracefully: the input stops,
and what was received is processed for at most --graceful-timeout (default 10s). Data not
processed by then is dropped, with a notice saying how many batches; then the summary is printed
and flint exits with 0. So --duration D ends the job by about D + --graceful-timeout. At the end
of --stdin's input every line read is counted, however long that takes.
A second Ctrl-C or SIGTERM exits at once.

Memory stays bounded whatever the input rate: once --max-buffered bytes of input await
processing (default 1/64 of the JS heap limit: 64m with a 4 GB heap), flint stops reading until
batches finish; the socket or pipe then holds the sender back. Sizes are written 65536, 512k,
256m or 2g. --max-rate and --backpressure limit the lines read per second (the
latter with Spark's PID rate estimator, from each batch's processing time and scheduling delay);
none of the three applies to --dir.

While it runs, flint serves a web UI on 127.0.0.1 (its address is printed on stderr): the
Streaming page at /streaming/ (rates, delays, batches, receivers), Spark's REST API under
/api/v1/applications and Prometheus metrics at /metrics. It uses port 4040, or the next free
one up to 4056; --ui-port picks another, --no-ui turns it off.

Examples:
  flint wordcount --demo --duration 10s               # what npm start runs
  nc -lk 9999   # in another terminal, then type lines into it
  flint wordcount --socket localhost:9999 --batch 2s --top 5
  flint wordcount --dir incoming --window 1m --slide 10s
  cat book.txt | flint wordcount --stdin --top 20
`;
}

/** `flint serve --help`. */
export function serveHelp(): string {
  return `Usage:
  flint serve [--port 8998] [--host 127.0.0.1] [--jobs-dir DIR] [--token TOKEN]

Runs a job server with Livy's batch API: POST /batches runs a job module of the jobs directory
as a child process (node FILE ARGS...), GET /batches lists them, GET /batches/ID, /state and
/log?from=&size= show one, DELETE /batches/ID stops it (SIGTERM, then SIGKILL after
--stop-timeout). Clients: flint submit, flint status, flint stop (flint submit --help).

Flags:
${flagLines(SERVE_FLAGS)}

A job finds its batch's settings in its environment: FLINT_CONF (the conf, JSON), FLINT_APP_NAME,
FLINT_APP_ID, FLINT_BATCH_ID, and FLINT_UI_HOST and FLINT_UI_PORT, where its web UI should listen
(the address GET /batches/ID reports as appInfo.sparkUiUrl). FLINT_TOKEN is not passed on.
A job whose context has stopGracefullyOnShutdown stops gracefully when stopped.

Safe by default: only 127.0.0.1 is served, only files inside the jobs directory run (.. and
symlinks are resolved first), request bodies are capped, and with a token every request needs
Authorization: Bearer TOKEN. Prefer FLINT_TOKEN to --token: a flag shows in ps.
Ctrl-C or SIGTERM stops the running jobs, then the server.

Example:
  flint serve --jobs-dir dist/examples/jobs
`;
}

/** `flint submit --help` (also for status and stop). */
export function jobsHelp(): string {
  return `Usage:
  flint submit FILE [--name NAME] [--conf JSON] [--wait] [-- ARGS...]
  flint status [ID]
  flint stop ID

Talk to a job server (flint serve). submit runs FILE, a job module relative to the server's jobs
directory, with ARGS; it prints the batch id on stdout. status lists every batch (id, state,
name, file, UI address), or shows one with its last log lines. stop stops a running batch
(it ends as killed) or forgets a finished one. Ctrl-C during submit --wait ends the wait, not
the job.

Flags:
${flagLines({ ...CLIENT_FLAGS, ...SUBMIT_FLAGS })}

--name, --conf and --wait are submit's. States: starting, running, success (exit status 0),
dead (another exit status, or it could not start), killed (stopped with flint stop).

Examples:
  flint submit word-count-job.js --conf '{"core":"js","batches":3}' --wait -- "to be or not to be"
  flint status
  flint stop 0
`;
}

function flagLines(specs: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(specs).map(([name, s]) => [
    `${name === 'help' ? '-h, ' : ''}--${name}${s.value ? ` ${s.value}` : ''}`,
    s.help,
  ]);
  const width = Math.max(...rows.map(([flag]) => flag!.length)) + 2;
  return rows.map(([flag, help]) => `  ${flag!.padEnd(width)}${help}`).join('\n');
}
