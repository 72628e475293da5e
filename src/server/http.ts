// The job server's HTTP vocabulary: an error that carries its status, and JSON answers in Livy's
// shapes (errors are `{ "msg": "..." }`, as Livy answers them).
import type { ServerResponse } from 'node:http';

/** A request the server refuses; `status` is the HTTP status and `message` says how to fix it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers, e.g. `Allow` on a 405 or `WWW-Authenticate` on a 401. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Writes `body` as JSON with `status`; ends the response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** Answers an error: its status and headers, and `{ msg }`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { msg: error.message }, error.headers);
}
