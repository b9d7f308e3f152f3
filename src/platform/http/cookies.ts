import type { IncomingHttpHeaders } from 'node:http';
import type { ServerConfig } from '../../config/sections/server.config';

/** A request as cookie readers need it: its headers. */
export interface WithHeaders {
  readonly headers: IncomingHttpHeaders;
}

/**
 * The value of cookie `name` from the Cookie header, or undefined. When a name repeats, the first
 * wins: browsers list the cookie with the most specific path first (RFC 6265 §5.4). Where a
 * repeated name must not be trusted at all (the login session), use `readCookies`.
 */
export function readCookie(req: WithHeaders, name: string): string | undefined {
  return readCookies(req, name)[0];
}

/**
 * Every value the Cookie header carries under `name`, in header order. A browser sends one per
 * (domain, path) it holds, so more than one means another host or path set a cookie of that name
 * too (RFC 6265 §8.5, §8.6: cookies do not isolate sibling hosts or paths).
 */
export function readCookies(req: WithHeaders, name: string): (string | undefined)[] {
  const header = req.headers.cookie;
  if (!header) return [];
  const values: (string | undefined)[] = [];
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    let value = pair.slice(separator + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    try {
      values.push(decodeURIComponent(value));
    } catch {
      // Present but undecodable: still a cookie of that name, counted, never used.
      values.push(undefined);
    }
  }
  return values;
}

/** Cookies get `Secure` whenever the service is reached over https, as its issuer says. */
export function usesSecureCookies(server: Pick<ServerConfig, 'issuer'>): boolean {
  return new URL(server.issuer).protocol === 'https:';
}
