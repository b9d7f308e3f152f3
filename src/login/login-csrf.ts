import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { constantTimeEqual, randomToken } from '../platform/crypto/hashing';
import { AppConfig } from '../config/app-config';
import { readCookie, usesSecureCookies } from './cookies';

export const CSRF_COOKIE = 'pg_csrf';
const CSRF_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type CsrfCheck = 'ok' | 'missing_cookie' | 'missing_token' | 'mismatch';

/** What the user is told when a login (password form or wallet button) fails the CSRF check. */
export const CSRF_FAILURES: Readonly<Record<Exclude<CsrfCheck, 'ok'>, string>> = {
  missing_cookie:
    'Your browser did not send the login form’s security cookie. Make sure cookies are enabled, then sign in again.',
  missing_token: 'The login form’s security token is missing. Sign in again from this page.',
  mismatch: 'The login form’s security token does not match. Sign in again from this page.',
};

/**
 * Login CSRF protection for the login page, password form and wallet sign-in alike: a
 * per-browser random token in an HttpOnly, SameSite=Strict cookie that the form's hidden field
 * (or the wallet sign-in request) must echo. A cross-site page can make a browser submit the form
 * but can neither read the token nor get the Strict cookie sent with it.
 */
@Injectable()
export class LoginCsrf {
  constructor(private readonly config: AppConfig) {}

  /** The browser's token; issues one (and its cookie) when the request carries none. */
  token(req: Pick<Request, 'headers'>, res: Pick<Response, 'cookie'>): string {
    const existing = this.cookieToken(req);
    if (existing) return existing;
    const token = randomToken(32);
    // Strict is sent only with same-site requests: the form's own POST. A GET arriving through a
    // cross-site redirect (client -> /authorize -> /login) lacks it and gets a fresh token.
    res.cookie(CSRF_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/login',
      secure: usesSecureCookies(this.config),
    });
    return token;
  }

  check(req: Pick<Request, 'headers'>, submitted: string | undefined): CsrfCheck {
    const expected = this.cookieToken(req);
    if (!expected) return 'missing_cookie';
    if (!submitted) return 'missing_token';
    return constantTimeEqual(submitted, expected) ? 'ok' : 'mismatch';
  }

  private cookieToken(req: Pick<Request, 'headers'>): string | undefined {
    const value = readCookie(req, CSRF_COOKIE);
    return value !== undefined && CSRF_TOKEN.test(value) ? value : undefined;
  }
}
