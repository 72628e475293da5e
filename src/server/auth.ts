// Bearer-token check. The token is compared through SHA-256 digests with timingSafeEqual: the
// digests have one length whatever was sent, so neither the comparison's time nor an early length
// check tells a caller how much of a guess was right.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './http.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="flint"' };

/** Checks `Authorization: Bearer <token>` against one expected token. */
export class BearerAuth {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** Throws a 401 with a `WWW-Authenticate` challenge unless `headers` carry the token. */
  check(headers: IncomingHttpHeaders): void {
    const match = /^Bearer +(\S+) *$/i.exec(headers.authorization ?? '');
    if (!match) throw new HttpError(401, 'this server needs a token: send the header Authorization: Bearer <token> (flint --token or FLINT_TOKEN)', CHALLENGE);
    if (!timingSafeEqual(digest(match[1]!), this.expected)) {
      throw new HttpError(401, 'the bearer token is wrong; use the one flint serve was started with', { 'WWW-Authenticate': 'Bearer realm="flint", error="invalid_token"' });
    }
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
