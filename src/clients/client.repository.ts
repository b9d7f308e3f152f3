import { ClientJwks, OAuthClient } from './oauth-client';

export abstract class ClientRepository {
  /**
   * Creates the indexes, then gives clients stored by an earlier version what they lack: their
   * web origins in the origin index, and an expiry (`legacyRegisteredExpiresAt`) for those that
   * registered themselves. Idempotent; its work is bounded by the number of clients stored.
   */
  abstract prepare(legacyRegisteredExpiresAt: Date): Promise<void>;
  abstract findById(clientId: string): Promise<OAuthClient | null>;
  /** Inserts or replaces the client (registration from configuration). */
  abstract save(client: OAuthClient): Promise<void>;
  /** Replaces a stored client (its origins kept in step); false (storing nothing) when none. */
  abstract replaceIfPresent(client: OAuthClient): Promise<boolean>;
  /** Stores a new client; false (storing nothing) when its client_id is taken. */
  abstract insertIfAbsent(client: OAuthClient): Promise<boolean>;
  /** Every client, by client_id (expired ones included). */
  abstract list(): Promise<OAuthClient[]>;
  /**
   * At most `limit` clients by client_id, those after `after` only (keyset pagination on `_id`:
   * one `find` per page); `registered`: only those that registered themselves.
   */
  abstract page(page: {
    readonly after?: string;
    readonly limit: number;
    readonly registered?: boolean;
  }): Promise<OAuthClient[]>;
  /** Replaces a confidential client's secret hash; false when there is no such client. */
  abstract updateSecretHash(clientId: string, secretHash: string): Promise<boolean>;
  /**
   * Replaces a private_key_jwt client's keys (its `jwks`, or its `jwks_uri`, the other removed);
   * false when there is no such client.
   */
  abstract updateKeys(
    clientId: string,
    keys: { jwks: ClientJwks } | { jwksUri: string },
  ): Promise<boolean>;
  /** False when there was no such client. */
  abstract delete(clientId: string): Promise<boolean>;
  /** Deletes those of these clients that are still stored; how many it deleted. */
  abstract deleteAll(clientIds: readonly string[]): Promise<number>;
  /**
   * When the last client whose redirect URIs have this web origin expires, at the latest; null
   * when none has it. One read by `_id`, whatever the number of clients.
   */
  abstract originExpiry(origin: string): Promise<Date | null>;
  /**
   * The clients configured as the operator's own (`firstParty`): an indexed read, and a short
   * list (only operators make such clients).
   */
  abstract firstPartyClients(): Promise<OAuthClient[]>;
  /** A token was issued to the (registered) client: its last use, and an expiry never lowered. */
  abstract recordUse(client: OAuthClient, usedAt: Date, expiresAt: Date): Promise<void>;
  /**
   * A client that is not stored (a client ID metadata document's) was used: its web origins stay
   * in the origin index until `expiresAt` at least (an expiry never lowered).
   */
  abstract keepOrigins(origins: readonly string[], expiresAt: Date): Promise<void>;
  /** Deletes at most `limit` clients expired at `now`, and as many expired origins; how many clients. */
  abstract deleteExpired(now: Date, limit: number): Promise<number>;
  /** Clients stored, of every kind: from the collection's metadata, without reading them. */
  abstract countStored(): Promise<number>;
}
