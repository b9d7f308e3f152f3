import { Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { Clock } from '../platform/clock/clock';
import { randomToken, sha256Base64Url } from '../platform/crypto/hashing';
import { AppConfig } from '../config/app-config';
import { readCookie, usesSecureCookies } from '../platform/http/cookies';
import type { LoginSession, SessionIdentity, StoredSession } from './session';
import { SessionRepository } from './session.repository';

export const SESSION_COOKIE = 'pg_session';
/** A session cookie value is `randomToken(32)`: 256 bits, 43 base64url characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

function toLoginSession({ sub, authMethod, authTime, expiresAt }: StoredSession): LoginSession {
  return { sub, authMethod, authTime, expiresAt };
}

/**
 * The browser's login session, shared by every login flow (password form, wallet sign-in).
 * The cookie carries a random 256-bit value; the database holds only its SHA-256.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async current(req: Pick<Request, 'headers'>): Promise<LoginSession | null> {
    const idHash = this.idHashFrom(req);
    if (!idHash) return null;
    const session = await this.sessions.findLive(idHash, this.clock.now());
    return session ? toLoginSession(session) : null;
  }

  /**
   * Starts a new session for `identity` and sets its cookie. The value is always freshly random,
   * never taken from the request, so a session id planted before login cannot be fixated.
   */
  async start(res: Pick<Response, 'cookie'>, identity: SessionIdentity): Promise<LoginSession> {
    const value = randomToken(32);
    const authTime = this.clock.now();
    const ttlSeconds = this.config.oauth.sessionTtlSeconds;
    const session: StoredSession = {
      idHash: sha256Base64Url(value),
      sub: identity.sub,
      authMethod: identity.authMethod,
      authTime,
      expiresAt: new Date(authTime.getTime() + ttlSeconds * 1000),
    };
    await this.sessions.create(session);
    res.cookie(SESSION_COOKIE, value, {
      ...this.cookieOptions(),
      maxAge: ttlSeconds * 1000,
    });
    return toLoginSession(session);
  }

  /** Deletes the session (when there is one) and clears its cookie. */
  async end(req: Pick<Request, 'headers'>, res: Pick<Response, 'clearCookie'>): Promise<void> {
    const idHash = this.idHashFrom(req);
    if (idHash) await this.sessions.delete(idHash);
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }

  private idHashFrom(req: Pick<Request, 'headers'>): string | null {
    const value = readCookie(req, SESSION_COOKIE);
    return value !== undefined && SESSION_ID.test(value) ? sha256Base64Url(value) : null;
  }

  private cookieOptions(): CookieOptions {
    // Lax, not Strict: the session must be sent when a client's top-level redirect brings the
    // browser to /authorize from another site.
    return { httpOnly: true, sameSite: 'lax', path: '/', secure: usesSecureCookies(this.config) };
  }
}
