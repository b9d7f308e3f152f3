import type { Consent, ConsentAllowed } from './consent';

/** Whose consents a page holds: a user's, a client's, or one user's at one client. */
export interface ConsentFilter {
  readonly sub?: string;
  readonly clientId?: string;
}

/** A keyset read: the consents after the key `after` (consentKey), `limit` of them. */
export interface ConsentPageRead {
  readonly after?: string;
  readonly limit: number;
}

/** Remembered consents: one record per user and client. */
export abstract class ConsentRepository {
  abstract find(sub: string, clientId: string): Promise<Consent | null>;
  /**
   * Adds `scopes` and `resources` to what the user allowed the client (creating the record when
   * needed), and moves its expiry to `expiresAt`.
   */
  abstract allow(allowed: ConsentAllowed, now: Date): Promise<void>;
  /** Gives `expiresAt` to the records written before consents expired; how many there were. */
  abstract expireUndated(expiresAt: Date): Promise<number>;
  /** The user's consents, by client id. */
  abstract listByUser(sub: string): Promise<Consent[]>;
  /**
   * At most `limit` consents that hold at `now`, of the user and/or the client `filter` names, in
   * key order (the user, then the client): those after the key `after` only (keyset pagination).
   */
  abstract page(filter: ConsentFilter, now: Date, page: ConsentPageRead): Promise<Consent[]>;
  /**
   * Removes one allowed value, atomically: true for the one caller that removed it, false when it
   * was not there (never allowed, or spent already).
   */
  abstract spend(sub: string, clientId: string, value: string): Promise<boolean>;
  /** Forgets the user's consent for one client, or for every client; how many were forgotten. */
  abstract revoke(sub: string, clientId?: string): Promise<number>;
}
