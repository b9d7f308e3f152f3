import { OAuthClient } from './oauth-client';

export abstract class ClientRepository {
  abstract findById(clientId: string): Promise<OAuthClient | null>;
  /** Inserts or replaces the client (registration from configuration). */
  abstract save(client: OAuthClient): Promise<void>;
}
