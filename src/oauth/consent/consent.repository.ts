import type { Consent } from './consent';

/** Remembered consents: one record per user and client. */
export abstract class ConsentRepository {
  abstract find(sub: string, clientId: string): Promise<Consent | null>;
  /**
   * Adds `scopes` and `resources` to what the user allowed the client (creating the record when
   * needed).
   */
  abstract allow(
    sub: string,
    clientId: string,
    scopes: readonly string[],
    resources: readonly string[],
    now: Date,
  ): Promise<void>;
  /** The user's consents, by client id. */
  abstract listByUser(sub: string): Promise<Consent[]>;
  /** Forgets the user's consent for one client, or for every client; how many were forgotten. */
  abstract revoke(sub: string, clientId?: string): Promise<number>;
}
