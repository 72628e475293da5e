// Reads a request's JSON body with a size cap, so a client cannot make the server buffer without
// bound, and turns every way a body can be wrong into a 4xx that names the problem.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http.js';

/**
 * The parsed JSON body of `req`, at most `maxBytes` long. Refuses with 415 a body that is not
 * declared `application/json` (browsers cannot send that cross-site without a CORS preflight,
 * which this server never grants), with 413 a longer one, and with 400 one that is not JSON.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, `the request body must be JSON sent with Content-Type: application/json, got "${type || 'no Content-Type'}"`);
  }
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'the request body is empty; send a JSON object such as {"file": "job.js"}');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, `the request body is not valid JSON (${(error as Error).message}); send a JSON object such as {"file": "job.js"}`);
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `the request body is larger than ${maxBytes} bytes; send a shorter one`, { Connection: 'close' });
}
