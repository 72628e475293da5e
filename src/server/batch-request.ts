// Checks the body of `POST /batches` (Livy's fields that a Flint job can use) and says exactly
// which field is wrong, so a client learns the fix from the 400 alone.
import type { BatchRequest } from './batch-job.js';
import { HttpError } from './http.js';

const FIELDS = ['file', 'args', 'name', 'conf'];
/** Bounds that keep one request from making a huge child command line or environment. */
const MAX_ARGS = 256;
const MAX_CONF_ENTRIES = 256;

/** The checked request; 400 naming the field for anything else. */
export function batchRequest(body: unknown): BatchRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad('the request body must be a JSON object such as {"file": "job.js", "args": ["a"]}');
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !FIELDS.includes(key));
  if (unknown !== undefined) throw bad(`field "${unknown}" is not supported; a batch takes ${FIELDS.join(', ')}`);
  const { file, args = [], name = null, conf = {} } = fields;
  if (typeof file !== 'string' || file === '') throw bad('field "file" is required: the job module, relative to the jobs directory, e.g. "word-count-job.js"');
  if (!Array.isArray(args) || args.length > MAX_ARGS || !args.every((a) => typeof a === 'string')) {
    throw bad(`field "args" must be an array of at most ${MAX_ARGS} strings`);
  }
  if (name !== null && typeof name !== 'string') throw bad('field "name" must be a string');
  return { file, args: args as string[], name, conf: confMap(conf) };
}

// Livy's conf is a map of strings; numbers and booleans are taken as their text.
function confMap(conf: unknown): Record<string, string> {
  if (typeof conf !== 'object' || conf === null || Array.isArray(conf)) {
    throw bad('field "conf" must be an object of settings, e.g. {"core": "js"}');
  }
  const entries = Object.entries(conf);
  if (entries.length > MAX_CONF_ENTRIES) throw bad(`field "conf" has more than ${MAX_CONF_ENTRIES} settings`);
  for (const [key, value] of entries) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw bad(`conf "${key}" must be a string, number or boolean`);
    }
  }
  // fromEntries defines own properties, so even a key named __proto__ stays a plain setting.
  return Object.fromEntries(entries.map(([key, value]) => [key, String(value)]));
}

function bad(message: string): HttpError {
  return new HttpError(400, message);
}
