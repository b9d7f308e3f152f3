import { Injectable } from '@nestjs/common';
import { doubleCsrf, type DoubleCsrfUtilities } from 'csrf-csrf';
import type { CookieOptions, CookieWriter } from '../http/http-exchange';
import { hkdfSync } from 'node:crypto';
import { TokenConfig } from '../../config/sections/tokens.config';
import { constantTimeEqual, randomToken } from '../crypto/hashing';
import { InvalidRequest } from '../errors/protocol-error';
import { type WithHeaders, readCookie, usesSecureCookies } from '../http/cookies';
import { ServerConfig } from '../../config/sections/server.config';

/** Why a state-changing request's CSRF token was refused, or `ok`. */
export type CsrfVerdict = 'ok' | 'missing_cookie' | 'missing_token' | 'mismatch' | 'invalid';

/** A refused verdict, as the `reason` a refusal carries (`csrf_mismatch`) for metrics and pages. */
export function csrfRefusalReason(verdict: Exclude<CsrfVerdict, 'ok'>): string {
  return `csrf_${verdict}`;
}

/** The verdict a refusal's `reason` names, or undefined when it is no CSRF refusal. */
export function csrfVerdictOf(reason: string | undefined): Exclude<CsrfVerdict, 'ok'> | undefined {
  const verdict = reason?.startsWith('csrf_') ? reason.slice('csrf_'.length) : undefined;
  return verdict !== undefined && Object.hasOwn(CSRF_REFUSALS, verdict)
    ? (verdict as Exclude<CsrfVerdict, 'ok'>)
    : undefined;
}

/** A token is 64 hex characters of HMAC-SHA256, a dot and 64 hex characters of random value. */
export const CSRF_TOKEN_MAX_LENGTH = 160;
/** The header scripts send the token in (forms send a `csrf_token` field). */
export const CSRF_HEADER = 'x-csrf-token';

/** What a page's script or form is told when its request fails the check (never the token). */
export const CSRF_REFUSALS: Readonly<Record<Exclude<CsrfVerdict, 'ok'>, string>> = {
  missing_cookie:
    'Your browser did not send this page’s security cookie; make sure cookies are enabled, then reload the page',
  missing_token: 'The page’s security token is missing; reload the page and try again',
  mismatch: 'The page’s security token does not match; reload the page and try again',
  invalid: 'The page’s security token is not valid for this browser; reload the page and try again',
};

/** A pre-login session id is `randomToken(32)`: 256 bits, 43 base64url characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * The parts of a request csrf-csrf reads, through the accessors configured below: the token
 * cookie, the session identifier and the submitted token. We hand it this view rather than the
 * platform's request, so the same check serves form fields, JSON bodies and headers alike.
 */
interface CsrfView {
  cookies: Record<string, string>;
  sessionId: string;
  submitted?: string;
}

/**
 * csrf-csrf is typed with Express's request and response (its only types). It reads the request
 * only through the accessors above, plus `cookies[cookieName]`, and calls only
 * `res.cookie(name, value, options)` on the response: so it gets these views (Fastify's request
 * and reply are never handed to it), and the cookie is set by our `setCookie` (RFC 6265) through
 * `CookieWriter`.
 */
type CsrfRequest = Parameters<DoubleCsrfUtilities['validateRequest']>[0];
type CsrfResponse = Parameters<DoubleCsrfUtilities['generateCsrfToken']>[1];

const asRequest = (view: CsrfView) => view as unknown as CsrfRequest;
const asView = (req: CsrfRequest) => req as unknown as CsrfView;
const asResponse = (writer: Pick<CookieWriter, 'cookie'>) => writer as unknown as CsrfResponse;

/**
 * Signed double-submit CSRF protection (csrf-csrf) for every state-changing browser request:
 * password and wallet login, logout, starting a lab run.
 *
 * The token is `HMAC(key, pre-login session id, random).random`, in an HttpOnly SameSite=Strict
 * cookie that the form field or header must echo (the pre-login session's own cookie is Lax).
 * The key is derived from KEY_ENCRYPTION_SECRET,
 * so a pair an attacker made up (or minted with any other key) is refused; and the HMAC binds the
 * token to this browser's pre-login session cookie, so a token issued to another browser is
 * refused too. Over https both cookies carry the `__Host-` prefix: a sibling subdomain cannot
 * plant or overwrite them (RFC 6265bis §4.1.3.2).
 */
@Injectable()
export class CsrfProtection {
  readonly tokenCookie: string;
  readonly sessionCookie: string;
  private readonly cookieOptions: CookieOptions;
  private readonly sessionCookieOptions: CookieOptions;
  private readonly csrf: DoubleCsrfUtilities;

  constructor(server: ServerConfig, tokens: TokenConfig) {
    const secure = usesSecureCookies(server);
    const prefix = secure ? '__Host-' : '';
    this.tokenCookie = `${prefix}pg_csrf`;
    this.sessionCookie = `${prefix}pg_presession`;
    // Strict: sent only with same-site requests, never with a cross-site form post.
    this.cookieOptions = { httpOnly: true, sameSite: 'strict', path: '/', secure };
    // Lax (RFC 6265bis, SameSite): also sent on a top-level GET from another site and the
    // redirects it follows (a page another site links to, then the login page), so each sees the
    // browser's one pre-login session rather than starting another: a proof bound to it before
    // the login page stays this browser's. Never sent with a cross-site POST; and the token
    // cookie, which every check also needs, stays Strict.
    this.sessionCookieOptions = { ...this.cookieOptions, sameSite: 'lax' };
    const secret = Buffer.from(
      hkdfSync('sha256', tokens.keyEncryptionSecret, 'proofgate', 'csrf-token', 32),
    ).toString('hex');
    this.csrf = doubleCsrf({
      getSecret: () => secret,
      getSessionIdentifier: (req) => asView(req).sessionId,
      getCsrfTokenFromRequest: (req) => asView(req).submitted,
      cookieName: this.tokenCookie,
      cookieOptions: this.cookieOptions,
    });
  }

  /**
   * The browser's token, for a form field or a script. Keeps a still-valid token; otherwise
   * issues a fresh one, and a pre-login session id first when the browser has none.
   */
  issue(req: WithHeaders, res: Pick<CookieWriter, 'cookie'>): string {
    const sessionId = this.startBrowserSession(req, res);
    return this.csrf.generateCsrfToken(
      asRequest({ cookies: this.tokenCookieOf(req), sessionId }),
      asResponse(res),
    );
  }

  verify(req: WithHeaders, submitted: string | undefined): CsrfVerdict {
    const sessionId = this.sessionIdFrom(req);
    const cookies = this.tokenCookieOf(req);
    const cookie = cookies[this.tokenCookie];
    if (!sessionId || !cookie) return 'missing_cookie';
    if (!submitted) return 'missing_token';
    if (!constantTimeEqual(submitted, cookie)) return 'mismatch';
    return this.csrf.validateRequest(asRequest({ cookies, sessionId, submitted }))
      ? 'ok'
      : 'invalid';
  }

  /**
   * Refuses the request with `400 invalid_request` unless its token passes: the request lacks a
   * valid required parameter, and reloading the page fixes it.
   */
  assertValid(req: WithHeaders, submitted: string | undefined): void {
    const verdict = this.verify(req, submitted);
    if (verdict !== 'ok')
      throw new InvalidRequest(CSRF_REFUSALS[verdict]).because(csrfRefusalReason(verdict));
  }

  /**
   * This browser's pre-login session id (the cookie the login page sets), when it sent a
   * well-formed one: what a proof meant for this browser alone is bound to (never logged).
   */
  browserSession(req: WithHeaders): string | undefined {
    return this.sessionIdFrom(req);
  }

  /**
   * `browserSession`, started (a fresh random id, its cookie set) when the browser sent none: for
   * a proof bound to this browser before it reaches a page with a CSRF token.
   */
  startBrowserSession(req: WithHeaders, res: Pick<CookieWriter, 'cookie'>): string {
    const existing = this.sessionIdFrom(req);
    if (existing) return existing;
    const sessionId = randomToken(32);
    res.cookie(this.sessionCookie, sessionId, this.sessionCookieOptions);
    return sessionId;
  }

  private sessionIdFrom(req: WithHeaders): string | undefined {
    const value = readCookie(req, this.sessionCookie);
    return value !== undefined && SESSION_ID.test(value) ? value : undefined;
  }

  private tokenCookieOf(req: WithHeaders): Record<string, string> {
    const value = readCookie(req, this.tokenCookie);
    return value !== undefined && value.length <= CSRF_TOKEN_MAX_LENGTH
      ? { [this.tokenCookie]: value }
      : {};
  }
}
