import { Injectable } from '@nestjs/common';
import type { CookieOptions, CookieWriter } from '../platform/http/http-exchange';
import { AccountService } from '../accounts/account.service';
import { Clock } from '../platform/clock/clock';
import { randomToken, sha256Base64Url } from '../platform/crypto/hashing';
import { OAuthConfig } from '../config/sections/oauth.config';
import { InvalidRequest } from '../platform/errors/protocol-error';
import { type WithHeaders, readCookies, usesSecureCookies } from '../platform/http/cookies';
import { acrOfAuthentication, meetsAcr } from '../protocol-rules/acr';
import { DomainEvents } from '../platform/events/domain-events';
import { SessionAssuranceRaised } from './session.events';
import {
  MAX_REPLACED_SESSIONS,
  sessionIdOf,
  type LoginSession,
  type SessionIdentity,
  type StoredSession,
} from './session';
import { amrOfSignIn } from './session-amr';
import { SessionRepository } from './session.repository';
import { ServerConfig } from '../config/sections/server.config';
import { PasskeyConfig } from '../config/sections/passkeys.config';
import { ProofList, signInAcrOf } from '../proofs/proof-list';

/** The session cookie over plain http (an `http:` ISSUER). */
export const SESSION_COOKIE = 'pg_session';
/**
 * The session cookie over https. RFC 6265bis §4.1.3.2: a `__Host-` cookie is accepted by the
 * browser only with Secure, Path=/ and no Domain, so neither a sibling subdomain nor an http
 * man-in-the-middle can set one, and a browser holds at most one per host.
 */
export const SECURE_SESSION_COOKIE = '__Host-pg_session';
const SESSION_COOKIES = [SESSION_COOKIE, SECURE_SESSION_COOKIE] as const;

/** Said when a request carries more than one session cookie (never their values). */
export const AMBIGUOUS_SESSION =
  'The request carries more than one login session cookie, so it cannot say whose session it is; sign in again (if this repeats, clear this site’s cookies)';
/** A session cookie value is `randomToken(32)`: 256 bits, 43 base64url characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

function toLoginSession(session: StoredSession): LoginSession {
  const {
    idHash,
    sub,
    authMethod,
    authTime,
    expiresAt,
    amr,
    methodKey,
    acr,
    signIns,
    crossDevice,
  } = session;
  return {
    sid: sessionIdOf(idHash),
    sub,
    authMethod,
    authTime,
    expiresAt,
    ...(amr ? { amr } : {}),
    ...(acr !== undefined ? { acr } : {}),
    ...(methodKey !== undefined ? { methodKey } : {}),
    ...(signIns ? { signIns } : {}),
    ...(crossDevice === true ? { crossDevice } : {}),
  };
}

/**
 * The browser's login session, shared by every login flow (password form, wallet sign-in).
 * The cookie carries a random 256-bit value; the database holds only its SHA-256.
 */
@Injectable()
export class SessionService {
  /** The session cookie this instance sets and reads: `__Host-pg_session` over https. */
  readonly cookieName: string;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    private readonly oauth: OAuthConfig,
    private readonly server: ServerConfig,
    private readonly accounts: AccountService,
    private readonly passkeys: PasskeyConfig,
    private readonly proofs: ProofList,
    private readonly events: DomainEvents,
  ) {
    this.cookieName = usesSecureCookies(server) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  }

  /**
   * The request's live session, or null. A request with more than one session cookie (either
   * name, or one name twice) has none: a cookie planted by a sibling subdomain or an http
   * man-in-the-middle (say with `Path=/authorize`, which browsers list first) would otherwise sign
   * the victim in as the attacker (login CSRF), and nothing in the request says which is the
   * browser's own. Over https only `__Host-pg_session` is read at all.
   */
  async current(req: WithHeaders): Promise<LoginSession | null> {
    const session = await this.currentStored(req);
    return session ? toLoginSession(session) : null;
  }

  private async currentStored(req: WithHeaders): Promise<StoredSession | null> {
    const cookie = this.sessionCookieOf(req);
    if (cookie.kind !== 'one' || cookie.idHash === null) return null;
    return this.sessions.findLive(cookie.idHash, this.clock.now());
  }

  /**
   * `current` for a form that acts on the user's behalf (the consent screen's answer): a request
   * with several session cookies is refused with `400 invalid_request` rather than treated as
   * signed out, so the user learns why the click did nothing.
   */
  async currentOrRefuse(req: WithHeaders): Promise<LoginSession | null> {
    if (this.sessionCookieOf(req).kind === 'several') {
      throw new InvalidRequest(AMBIGUOUS_SESSION).because('session_cookie_repeated');
    }
    return this.current(req);
  }

  /**
   * Starts a new session for `identity` and sets its cookie. The value is always freshly random,
   * never taken from the request, so a session id planted before login cannot be fixated. Over
   * https it also clears a `pg_session` the browser still holds (set before the `__Host-` name,
   * or planted on this host): left in place, it would make every later request ambiguous.
   */
  async start(
    http: { req: WithHeaders; res: CookieWriter },
    identity: SessionIdentity,
  ): Promise<LoginSession> {
    const { req, res } = http;
    const now = this.clock.now();
    const authTime =
      identity.authenticatedAt !== undefined && identity.authenticatedAt < now
        ? identity.authenticatedAt
        : now;
    // One read: a second proof of the same account in this browser, within the recent-login
    // window, makes the login `mfa`; and the session this one replaces is named in it.
    const previous = await this.currentStored(req);
    const { amr, signIns } = amrOfSignIn(
      identity,
      authTime,
      previous && toLoginSession(previous),
      this.passkeys.recentLoginSeconds,
    );
    const replaced = previous
      ? [previous.idHash, ...(previous.replaced ?? [])].slice(0, MAX_REPLACED_SESSIONS)
      : [];
    const value = randomToken(32);
    const ttlSeconds = this.oauth.sessionTtlSeconds;
    // The acr of this authentication, not of the browser's earlier ones: `auth_time` is this
    // one's, and a client that asked for `phr` with max_age wants both of the same sign-in.
    const acr = acrOfAuthentication(signInAcrOf(this.proofs.proofs, identity.authMethod), {
      hardwareBound: identity.hardwareBound === true,
    });
    const session: StoredSession = {
      idHash: sha256Base64Url(value),
      sub: identity.sub,
      authMethod: identity.authMethod,
      amr,
      signIns,
      authTime,
      ...(acr === undefined ? {} : { acr }),
      // The session lives from now: an upstream provider's earlier auth_time ages no cookie.
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      ...(identity.methodKey !== undefined ? { methodKey: identity.methodKey } : {}),
      ...(identity.crossDevice === true ? { crossDevice: true } : {}),
      ...(replaced.length > 0 ? { replaced } : {}),
    };
    await this.sessions.create(session);
    // After the write (see AccountService.assertMaySignIn): the session of a disabled account,
    // or of a method removed meanwhile, is deleted before its cookie is ever set.
    await this.accounts
      .assertMaySignIn(identity.sub, identity.methodKey)
      .catch(async (error: unknown) => {
        await this.sessions.delete(session.idHash);
        throw error;
      });
    const started = toLoginSession(session);
    // CAEP 1.0 §3.5: a sign-in of the same account that the browser's session's acr does not meet
    // is a step-up; told before the cookie is set, as every cause of a SET is before it answers.
    if (previous && previous.sub === identity.sub && !meetsAcr(previous.acr, acr)) {
      await this.events.emitAndWait(
        new SessionAssuranceRaised(identity.sub, started.sid, previous.acr, acr, now),
      );
    }
    this.clearOtherCookie(req, res);
    res.cookie(this.cookieName, value, {
      ...this.cookieOptions(),
      maxAge: ttlSeconds * 1000,
    });
    return started;
  }

  /**
   * Signing out, first step: the id hashes of every session the request's session cookies name,
   * for SessionLogout.end. Unlike `current`, it needs no single cookie: ending a session grants
   * nothing, and a user who asks to sign out must be signed out even when another cookie was
   * planted beside theirs.
   */
  idHashesToEnd(req: WithHeaders): string[] {
    return SESSION_COOKIES.flatMap((name) => readCookies(req, name))
      .filter((value): value is string => value !== undefined && SESSION_ID.test(value))
      .map((value) => sha256Base64Url(value));
  }

  /**
   * Signing out, last step, once the sessions ended: clears the cookies. Not before, so that a
   * sign-out that failed leaves the browser its cookie to try again with.
   */
  clearCookies(req: WithHeaders, res: Pick<CookieWriter, 'clearCookie'>): void {
    this.clearOtherCookie(req, res);
    res.clearCookie(this.cookieName, this.cookieOptions());
  }

  /** Every session cookie the request carries, under either name: none, exactly one, several. */
  private sessionCookieOf(
    req: WithHeaders,
  ): { kind: 'none' | 'several' } | { kind: 'one'; idHash: string | null } {
    const all = SESSION_COOKIES.flatMap((name) =>
      readCookies(req, name).map((value) => ({ name, value })),
    );
    if (all.length === 0) return { kind: 'none' };
    if (all.length > 1) return { kind: 'several' };
    const [{ name, value }] = all;
    const ours = name === this.cookieName && value !== undefined && SESSION_ID.test(value);
    return { kind: 'one', idHash: ours ? sha256Base64Url(value) : null };
  }

  /** Over https: expires the plain `pg_session` the request carries (host-only, Path=/). */
  private clearOtherCookie(req: WithHeaders, res: Pick<CookieWriter, 'clearCookie'>): void {
    if (this.cookieName === SESSION_COOKIE) return;
    if (readCookies(req, SESSION_COOKIE).length === 0) return;
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }

  private cookieOptions(): CookieOptions {
    // Lax, not Strict: the session must be sent when a client's top-level redirect brings the
    // browser to /authorize from another site.
    return { httpOnly: true, sameSite: 'lax', path: '/', secure: usesSecureCookies(this.server) };
  }
}
