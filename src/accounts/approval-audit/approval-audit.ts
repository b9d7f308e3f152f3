import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';

/** How long an answer's record is kept: a year, long enough to settle a dispute over a payment. */
export const APPROVAL_AUDIT_RETENTION_DAYS = 365;

/** How many records a listing shows at most (the newest). */
export const APPROVAL_AUDIT_LISTED = 50;

/**
 * One answer to a backchannel request (issue #51), kept for its account and the operator: who
 * answered (the account), for which client, what the request was (its scope, binding message,
 * authorization details and their canonical hash), how (`session`, `passkey`, a wallet's CAIP-2
 * namespace; `deny` needs no proof) and with which method key, and when.
 */
export interface ApprovalAuditRecord {
  readonly sub: string;
  readonly clientId: string;
  readonly decision: 'approved' | 'denied';
  /** `session` (a click), `passkey`, or a wallet chain's namespace (`eip155`, ...); none for a denial. */
  readonly method?: string;
  /** The passkey's or wallet's method key the proof was made with. */
  readonly methodKey?: string;
  /** BASE64URL(SHA-256) of the request's RFC 8785 canonical JSON. */
  readonly requestHash: string;
  readonly scope: string;
  readonly bindingMessage?: string;
  readonly authorizationDetails?: readonly AuthorizationDetail[];
  readonly at: Date;
}

/** A record as a page lists it: with its id, which orders records of the same instant. */
export interface ListedApprovalAuditRecord extends ApprovalAuditRecord {
  readonly id: string;
}

/** Where a page of an account's records starts: after this one, newest first (time, then id). */
export interface ApprovalAuditPosition {
  readonly at: Date;
  readonly id: string;
}

/** Which records a page holds: an account's, all of them or those with one decision. */
export interface ApprovalAuditFilter {
  readonly sub: string;
  readonly decision?: ApprovalAuditRecord['decision'];
}

/** Where the answers are kept (a collection of its own, each record for a year). */
export abstract class ApprovalAuditLog {
  abstract record(entry: ApprovalAuditRecord): Promise<void>;
  /** The account's records, newest first, at most `limit`. */
  abstract listOf(sub: string, limit: number): Promise<ApprovalAuditRecord[]>;
  /** Up to `limit` records `filter` names after `after`, newest first (keyset pagination). */
  abstract page(
    filter: ApprovalAuditFilter,
    page: { readonly after?: ApprovalAuditPosition; readonly limit: number },
  ): Promise<ListedApprovalAuditRecord[]>;
}
