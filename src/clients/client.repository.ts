import { OAuthClient } from './oauth-client';

export abstract class ClientRepository {
  abstract findById(clientId: string): Promise<OAuthClient | null>;
  /** Inserts or replaces the client (registration from configuration). */
  abstract save(client: OAuthClient): Promise<void>;
  /** Stores a new client; false (storing nothing) when its client_id is taken. */
  abstract insertIfAbsent(client: OAuthClient): Promise<boolean>;
  /** Every client, by client_id. */
  abstract list(): Promise<OAuthClient[]>;
  /** Replaces a confidential client's secret hash; false when there is no such client. */
  abstract updateSecretHash(clientId: string, secretHash: string): Promise<boolean>;
  /** False when there was no such client. */
  abstract delete(clientId: string): Promise<boolean>;
}
