import accepts from 'accepts';
import { serialize } from 'cookie';
import encodeUrl from 'encodeurl';
import type { FastifyReply, FastifyRequest } from 'fastify';
import typeIs from 'type-is';
import { sendWithoutEtag } from './etag';
import { escapeHtml } from './html';

/**
 * The HTTP platform's request and response, named once so that the rest of the code does not
 * name the platform: Fastify's (`@nestjs/platform-fastify`).
 */
export type HttpRequest = FastifyRequest;
export type HttpResponse = FastifyReply;

/** The request's path, without its query (RFC 3986 §3.3, not percent-decoded). */
export function requestPath(req: Pick<HttpRequest, 'url'>): string {
  const url = req.url;
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** Proactive content negotiation on Accept (RFC 9110 §12.5.1), by the `accepts` package. */
export function acceptedType(req: Pick<HttpRequest, 'raw'>, types: string[]): string | false {
  return accepts(req.raw).type(types) as string | false;
}

/** Whether the body's Content-Type (RFC 9110 §8.3) is `type`, by the `type-is` package. */
export function hasContentType(req: Pick<HttpRequest, 'raw'>, type: string): boolean {
  return typeof typeIs(req.raw, [type]) === 'string';
}

/** Whether the response's status line and headers have been sent. */
export function headersSent(res: HttpResponse): boolean {
  return res.sent || res.raw.headersSent;
}

/** Cookie attributes (RFC 6265 §4.1.2), with `maxAge` in milliseconds. */
export interface CookieOptions {
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'lax' | 'strict' | 'none' | boolean;
  path?: string;
  domain?: string;
  maxAge?: number;
  expires?: Date;
}

/** What sets and clears cookies on a response (RFC 6265 §4.1). */
export interface CookieWriter {
  cookie(name: string, value: string, options?: CookieOptions): unknown;
  clearCookie(name: string, options?: CookieOptions): unknown;
}

/**
 * Set-Cookie (RFC 6265 §4.1): `maxAge` in ms gives both Max-Age and Expires (§4.1.2.2: Max-Age wins
 * where understood, Expires serves older agents), Path defaults to `/`; clearing writes Expires in
 * 1970 and no Max-Age (§3.1). Serialized by the `cookie` package and appended to the reply's
 * headers (each cookie its own Set-Cookie line, §3).
 */
export function setCookie(
  res: HttpResponse,
  name: string,
  value: string,
  options: CookieOptions = {},
): void {
  const attributes = { ...options };
  if (attributes.maxAge != null && !Number.isNaN(attributes.maxAge)) {
    attributes.expires = new Date(Date.now() + attributes.maxAge);
    attributes.maxAge = Math.floor(attributes.maxAge / 1000);
  }
  attributes.path ??= '/';
  res.header('set-cookie', serialize(name, value, attributes));
}

export function clearCookie(res: HttpResponse, name: string, options: CookieOptions = {}): void {
  const attributes: CookieOptions = { path: '/', ...options, expires: new Date(1) };
  delete attributes.maxAge;
  setCookie(res, name, '', attributes);
}

/** `setCookie` and `clearCookie` of one response, for services that only set cookies. */
export function cookieWriter(res: HttpResponse): CookieWriter {
  return {
    cookie: (name, value, options) => setCookie(res, name, value, options),
    clearCookie: (name, options) => clearCookie(res, name, options),
  };
}

const REDIRECT_MESSAGES: Readonly<Record<number, string>> = {
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
};

/**
 * A redirect (RFC 9110 §15.4): Location percent-encoded (encodeurl, §10.2.2's URI-reference), a
 * short body negotiated on Accept (text, HTML or empty) with `Vary: Accept` (§12.5.5).
 */
export function redirect(req: HttpRequest, res: HttpResponse, status: number, url: string): void {
  const location = encodeUrl(url);
  const message = REDIRECT_MESSAGES[status] ?? String(status);
  res.header('location', location);
  varyOn(res, 'Accept');
  let body = '';
  const type = acceptedType(req, ['text', 'html']);
  if (type === 'text') {
    res.header('content-type', 'text/plain; charset=utf-8');
    body = `${message}. Redirecting to ${location}`;
  } else if (type === 'html') {
    res.header('content-type', 'text/html; charset=utf-8');
    body = `<p>${message}. Redirecting to ${escapeHtml(location)}</p>`;
  }
  res.code(status);
  res.header('content-length', Buffer.byteLength(body));
  sendWithoutEtag(res);
  void res.send(req.method === 'HEAD' ? undefined : body);
}

/** Adds `field` to the Vary header once (RFC 9110 §12.5.5). */
export function varyOn(res: HttpResponse, field: string): void {
  const current = res.getHeader('vary');
  if (current === undefined || current === '') {
    res.header('vary', field);
    return;
  }
  const text = String(current);
  const present = text
    .split(',')
    .map((value) => value.trim().toLowerCase())
    .some((value) => value === '*' || value === field.toLowerCase());
  if (!present) res.header('vary', `${text}, ${field}`);
}

/** An HTML page, UTF-8. */
export function sendHtml(res: HttpResponse, status: number, html: string): void {
  void res.code(status).header('content-type', 'text/html; charset=utf-8').send(html);
}

/** A JSON body (RFC 8259), UTF-8. */
export function sendJson(res: HttpResponse, status: number, value: unknown): void {
  void res
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(value));
}
