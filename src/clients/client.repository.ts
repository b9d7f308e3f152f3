import type { ClientSecret } from './client-secrets';
import { ClientJwks, OAuthClient } from './oauth-client';

/**
 * A confidential client's secrets as read, with what a change of them must name: the state it
 * read (`replaceSecrets` refuses a change made on a state another change has replaced).
 */
export interface StoredSecrets {
  readonly secrets: readonly ClientSecret[];
  readonly revision: SecretsRevision;
}

/** Opaque to services: what the store compares a change's read state with. */
export interface SecretsRevision {
  readonly version: number;
  readonly newestHash: string | undefined;
}

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
  /**
   * Replaces a stored client's registration (its metadata; its origins kept in step), never its
   * secrets, its use or its registration's own dates, which change by their own writes: a rotation
   * at the same moment is never undone. False (storing nothing) when there is no such client, or
   * (given `expectedRevision`) when it is no longer at that revision. Its revision goes up by one.
   */
  abstract replaceIfPresent(client: OAuthClient, expectedRevision?: number): Promise<boolean>;
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
  /** A confidential client's secrets and their revision; null when there is no such client. */
  abstract readSecrets(clientId: string): Promise<StoredSecrets | null>;
  /**
   * Replaces a confidential client's secrets (newest last) in one conditional write, if they are
   * still at `revision`; false when another change came first, or the client is gone.
   */
  abstract replaceSecrets(
    clientId: string,
    revision: SecretsRevision,
    secrets: readonly ClientSecret[],
  ): Promise<boolean>;
  /**
   * Replaces a private_key_jwt client's keys (its `jwks`, or its `jwks_uri`, the other removed);
   * false when there is no such client, or (given `expectedRevision`) one at another revision.
   */
  abstract updateKeys(
    clientId: string,
    keys: { jwks: ClientJwks } | { jwksUri: string },
    expectedRevision?: number,
  ): Promise<boolean>;
  /** False when there was no such client (given `expectedRevision`: none at that revision). */
  abstract delete(clientId: string, expectedRevision?: number): Promise<boolean>;
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
  /** The ids of the clients registered from OAUTH_CLIENTS (`configured`): an indexed read. */
  abstract configuredClientIds(): Promise<string[]>;
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
