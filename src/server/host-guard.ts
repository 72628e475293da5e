// DNS-rebinding guard: a server bound to a loopback address answers only requests addressed to a
// loopback name, so a web page whose domain was re-pointed at 127.0.0.1 cannot reach it.
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './http.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** True for the hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || host.startsWith('127.');
}

/** Throws 403 when the server listens on loopback and the request's Host is another name. */
export function checkHost(headers: IncomingHttpHeaders, boundHost: string): void {
  if (!isLoopback(boundHost)) return;
  const host = headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  if (!isLoopback(name.toLowerCase())) {
    throw new HttpError(403, `this server listens on ${boundHost} and answers only requests for localhost, not "${host}"`);
  }
}
