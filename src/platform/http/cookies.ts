import type { Request } from 'express';
import type { AppConfig } from '../../config/app-config';

/**
 * The value of cookie `name` from the Cookie header, or undefined. When a name repeats, the first
 * wins: browsers list the cookie with the most specific path first (RFC 6265 §5.4).
 */
export function readCookie(req: Pick<Request, 'headers'>, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    let value = pair.slice(separator + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Cookies get `Secure` whenever the service is reached over https, as its issuer says. */
export function usesSecureCookies(config: Pick<AppConfig, 'issuer'>): boolean {
  return new URL(config.issuer).protocol === 'https:';
}
