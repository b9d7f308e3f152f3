/** What a user allowed one client: every scope value allowed so far, accumulated. */
export interface Consent {
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /**
   * RFC 8707 resources (token audiences) allowed besides Proofgate's own API, accumulated like
   * the scopes: a client allowed at one server is asked again before its tokens are for another.
   */
  readonly resources: readonly string[];
  /** When the user first allowed this client. */
  readonly grantedAt: Date;
  /** When the user last allowed it (a wider scope). */
  readonly updatedAt: Date;
  /** When the user is asked again: CONSENT_TTL_DAYS after the last Allow. */
  readonly expiresAt: Date;
}

/**
 * One Allow: the values it adds to what the user allowed the client, and the consent's new
 * expiry. Named fields: two lists of strings and two dates side by side are easily swapped.
 */
export type ConsentAllowed = Pick<
  Consent,
  'sub' | 'clientId' | 'scopes' | 'resources' | 'expiresAt'
>;

/**
 * A consent's key: its record's id, and the order of the admin API's pages. Client ids never
 * contain a space (`[A-Za-z0-9._-]`), so the last space separates the two unambiguously whatever
 * the subject holds.
 */
export function consentKey(sub: string, clientId: string): string {
  return `${sub} ${clientId}`;
}
