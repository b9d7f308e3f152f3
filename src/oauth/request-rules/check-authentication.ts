import { meetsAcr, type AcrValue } from '../../protocol-rules/acr';
import { InvalidRequest } from '../../platform/errors/protocol-error';

/** What an authorization request demands of the login behind it (OpenID Connect Core §3.1.2.1). */
export interface AuthenticationRequirements {
  /** `prompt=none`: never show a page; an unmet requirement is an error to the client. */
  readonly promptNone: boolean;
  /** `prompt=login`: a sign-in made for this request. */
  readonly promptLogin: boolean;
  /** `max_age`: the most seconds since the user last authenticated. */
  readonly maxAge?: number;
  /**
   * The `acr` the login must achieve: an essential `acr` claim request's, or a scope's or
   * resource's minimum (ACR_REQUIRED_BY_SCOPE, ACR_REQUIRED_BY_RESOURCE).
   */
  readonly acr?: AcrValue;
  /**
   * The `acr` the login is offered (`acr_values`, a voluntary `acr` claim request): a session that
   * does not meet it is sent to the login page once, which offers what meets it; whatever the
   * user signs in with there, the request then goes on.
   */
  readonly preferredAcr?: AcrValue;
  /** OpenID Connect Core §5.5.1: the only user the request may answer for (`sub` `value`). */
  readonly sub?: string;
  /**
   * The request asks for the `account` scope: a sign-in proven on another device (a wallet
   * answering a QR code) does not do, as a device grant never gets it (RFC 8628 §5.4).
   */
  readonly sameDevice?: boolean;
}

/** The session, as far as its authentication goes. */
export interface SessionAuthentication {
  readonly sub: string;
  readonly authTime: Date;
  readonly acr?: string;
  readonly crossDevice?: boolean;
}

/**
 * Whether the session satisfies the request, or why the user must sign in (again):
 * `no_session`, `prompt_login` or `max_age` (a sign-in newer than the request is needed), `acr`
 * (a stronger one is), `preferred_acr` (a stronger one is offered), `sub` (another user's is).
 */
export type AuthenticationVerdict =
  | { ok: true }
  | {
      ok: false;
      reason:
        | 'no_session'
        | 'prompt_login'
        | 'max_age'
        | 'acr'
        | 'preferred_acr'
        | 'sub'
        | 'cross_device';
    };

/**
 * OpenID Connect Core §3.1.2.3: `prompt=login` and `max_age` ask for an active re-authentication
 * when the elapsed time is greater than `max_age` (so `max_age=0` always does); RFC 9470 §4 and
 * OpenID EAP: an enforced `acr` asks for a login of that class. `signedInSince`, when set, is when
 * this request first sent the user to sign in: a sign-in since then is the fresh one both ask for
 * (else a `max_age=0` or `prompt=login` request would send the user back to sign in forever),
 * and the user has been offered the voluntary `acr` (Core §3.1.2.1: `acr_values` is a voluntary
 * claim), so the request goes on with whatever they signed in with; `prompt=none` cannot offer
 * it, and goes on at once. Core §5.5.1: a request naming its `sub` is answered for that user only.
 */
export function checkAuthentication(
  session: SessionAuthentication | null,
  required: AuthenticationRequirements,
  now: Date,
  signedInSince?: Date,
): AuthenticationVerdict {
  if (!session) return { ok: false, reason: 'no_session' };
  if (required.sub !== undefined && session.sub !== required.sub) {
    return { ok: false, reason: 'sub' };
  }
  const fresh =
    signedInSince !== undefined && session.authTime.getTime() >= signedInSince.getTime();
  if (required.promptLogin && !fresh) return { ok: false, reason: 'prompt_login' };
  if (required.maxAge !== undefined && !fresh) {
    const elapsedMs = now.getTime() - session.authTime.getTime();
    if (elapsedMs > required.maxAge * 1000) return { ok: false, reason: 'max_age' };
  }
  if (!meetsAcr(session.acr, required.acr)) return { ok: false, reason: 'acr' };
  if (required.sameDevice === true && session.crossDevice === true) {
    return { ok: false, reason: 'cross_device' };
  }
  if (offersAcr(required, session) && signedInSince === undefined) {
    return { ok: false, reason: 'preferred_acr' };
  }
  return { ok: true };
}

/** Whether the login page is to offer the session's user a stronger sign-in (`preferredAcr`). */
export function offersAcr(
  required: AuthenticationRequirements,
  session: Pick<SessionAuthentication, 'acr'>,
): boolean {
  return !required.promptNone && !meetsAcr(session.acr, required.preferredAcr);
}

/**
 * The `prompt` parameter (OpenID Connect Core §3.1.2.1: space-separated). `none` with any other
 * value is an error. `consent` and `select_account` ask for nothing Proofgate would not already
 * do (the consent screen shows whenever consent is missing; a browser holds one session).
 */
export function checkPrompt(prompt: string | undefined): { none: boolean; login: boolean } {
  if (prompt === undefined) return { none: false, login: false };
  const values = prompt.split(' ');
  const known = ['none', 'login', 'consent', 'select_account'];
  const unknown = values.find((value) => !known.includes(value));
  if (unknown !== undefined) {
    throw new InvalidRequest(`Unsupported prompt value: ${unknown.slice(0, 32)}`);
  }
  const none = values.includes('none');
  if (none && values.length > 1) {
    throw new InvalidRequest('prompt=none cannot be combined with another prompt value');
  }
  return { none, login: values.includes('login') };
}

/** The longest `max_age` taken as asked (ten years): anything longer asks for nothing more. */
const MAX_AGE_CEILING = 315_360_000;

/** `max_age` (OpenID Connect Core §3.1.2.1): a non-negative integer number of seconds. */
export function checkMaxAge(maxAge: string | undefined): number | undefined {
  if (maxAge === undefined) return undefined;
  if (!/^\d{1,12}$/.test(maxAge)) {
    throw new InvalidRequest('max_age must be a non-negative integer number of seconds');
  }
  return Math.min(Number(maxAge), MAX_AGE_CEILING);
}
