/**
 * Who made an administrative change: an admin client of the admin API (its `client_id`), an
 * operator's account through the console (`proofgate-console`, a person's passkey sign-in), or
 * the command line (`cli`, with the operating-system user that ran it).
 */
export type AdminActor =
  | { readonly kind: 'client'; readonly clientId: string }
  | { readonly kind: 'operator'; readonly account: string; readonly clientId: string }
  | { readonly kind: 'cli'; readonly osUser: string };

/** One administrative call: who, and the request id that ties the record to the caller's logs. */
export interface AdminCall {
  readonly actor: AdminActor;
  /** The admin API's `X-Request-Id` (the caller's, or one made for it); a fresh id per CLI run. */
  readonly requestId: string;
}

export type AdminOutcome = 'done' | 'refused' | 'failed';

/**
 * What an action names: ids only (`client_id`, `username`, `sub`, `grant_id`, `kid`), never a
 * secret, a password or a token.
 */
export type AdminTargets = Readonly<Record<string, string>>;

/** One record of the audit trail. */
export interface AdminAuditRecord {
  readonly id: string;
  readonly at: Date;
  readonly actor: AdminActor;
  /** `<resource>.<verb>`: `clients.create`, `users.disable`, `grants.revoke`, ... */
  readonly action: string;
  readonly targets: AdminTargets;
  readonly requestId: string;
  readonly outcome: AdminOutcome;
  /** A refusal's message (safe to show: AdminError's contract); `failed` says no more. */
  readonly reason?: string;
}

/** Which records `GET /admin/v1/audit` lists: each filter optional, all of them together. */
export interface AdminAuditFilter {
  readonly action?: string;
  /** An admin client's id, an operator's account (its subject), or `cli`. */
  readonly actor?: string;
  readonly outcome?: AdminOutcome;
  /** Records at or after / before these times. */
  readonly since?: Date;
  readonly until?: Date;
}

/** The audit trail's store: one collection, newest first, each record kept for the retention. */
export abstract class AdminAuditRepository {
  abstract insert(record: AdminAuditRecord, expiresAt: Date): Promise<void>;
  /**
   * Newest first, at most `limit`, only records older than the one `before` names (keyset on
   * `_id`, which sorts as the records were made).
   */
  abstract page(
    filter: AdminAuditFilter,
    page: { readonly before?: string; readonly limit: number },
  ): Promise<AdminAuditRecord[]>;
}
