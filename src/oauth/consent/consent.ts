/** What a user allowed one client: every scope value allowed so far, accumulated. */
export interface Consent {
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** When the user first allowed this client. */
  readonly grantedAt: Date;
  /** When the user last allowed it (a wider scope). */
  readonly updatedAt: Date;
}
