import { domainEvent } from '../platform/events/domain-events';

/**
 * A login session ended (signed out, signed out everywhere, its account locked down, its method
 * removed, an operator's revocation): told once per session and ending, as its grants are revoked
 * (SessionLogout.finish, which an abandoned ending's sweep runs again: a subscriber keys what it
 * writes by `sid`). Emitted with `emitAndWait`: a subscriber's writes are done before the ending is
 * marked finished.
 */
export class LoginSessionEnded extends domainEvent('session.ended') {
  constructor(
    readonly sub: string,
    /** The session's `sid` (never reused). */
    readonly sid: string,
    /** Why it ended: `logout`, `signed_out_everywhere`, `user_disabled`, `admin_revoked`, ... */
    readonly reason: string,
    readonly at: Date,
  ) {
    super();
  }
}

/**
 * A sign-in in a browser signed in to the same account achieved a higher `acr` than the session
 * it replaces (a step-up, to `phr` or `phrh`): told once, for the new session, before its cookie
 * is set.
 */
export class SessionAssuranceRaised extends domainEvent('session.assurance_raised') {
  constructor(
    readonly sub: string,
    /** The new session's `sid`. */
    readonly sid: string,
    /** The replaced session's `acr`; undefined: it had none (a password, a wallet). */
    readonly previous: string | undefined,
    readonly current: string,
    readonly at: Date,
  ) {
    super();
  }
}
