import { InvalidRequest } from '../errors/protocol-error';

export type Params = Record<string, string | undefined>;

/**
 * Reads OAuth request parameters: each at most once (RFC 6749 §3.1, §3.2), and an empty value
 * counts as absent. Unknown parameters are ignored, as RFC 6749 requires.
 */
export function singleParams(source: unknown): Params {
  const params: Params = {};
  if (typeof source !== 'object' || source === null) return params;
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    if (Array.isArray(value)) throw new InvalidRequest(`Parameter ${name} must not be repeated`);
    if (typeof value !== 'string') throw new InvalidRequest(`Parameter ${name} is malformed`);
    if (value !== '') params[name] = value;
  }
  return params;
}
