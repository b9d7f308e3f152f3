import { domainEvent } from '../../platform/events/domain-events';

/** GET /authorize answered: with a code, a login, a consent screen, an error redirect or an error page. */
export class AuthorizationRequested extends domainEvent('authorization.requested') {
  constructor(
    readonly outcome:
      'code_issued' | 'login_required' | 'consent_required' | 'error_redirect' | 'error_page',
    /** The RFC 6749 error code, or '' on success. */
    readonly error: string,
    /** `code_challenge_method` as sent, reduced to S256, plain, none or other. */
    readonly challengeMethod: 'S256' | 'plain' | 'none' | 'other',
  ) {
    super();
  }
}

/**
 * A code issued for a request that carried neither PKCE nor `nonce`: a client registered with
 * `require_pkce: false` that protects its code against injection by nothing the server saw (RFC
 * 9700 §2.1.1 wants one of the two; docs/OAUTH.md, "PKCE per client").
 */
export class UnprotectedCodeIssued extends domainEvent('authorization.unprotected_code_issued') {
  constructor(
    /** The client's metric label: its id if the operator configured it, else `registered`. */
    readonly client: string,
  ) {
    super();
  }
}
