import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Clock } from '../platform/clock/clock';
import { sha256Base64Url } from '../platform/crypto/hashing';
import { PasswordHasher } from '../platform/crypto/password-hasher';
import { parseBasicCredentials } from '../platform/http/basic-credentials';
import { InvalidClient, InvalidRequest } from '../platform/errors/protocol-error';
import { ClientRegistry } from './client-registry.service';
import { OAuthClient } from './oauth-client';

export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
  /** `client_secret_basic` was used. */
  viaBasic: boolean;
}

export function readClientCredentials(
  request: Pick<Request, 'headers'>,
  body: Record<string, string | undefined>,
): ClientCredentials {
  const header = request.headers.authorization;
  if (header === undefined) {
    return { clientId: body.client_id, clientSecret: body.client_secret, viaBasic: false };
  }
  const basic = parseBasicCredentials(header);
  if (!basic) throw new InvalidClient('Malformed Basic client authentication');
  if (body.client_secret !== undefined) {
    throw new InvalidRequest('Use only one client authentication method');
  }
  if (body.client_id !== undefined && body.client_id !== basic.username) {
    throw new InvalidRequest('client_id does not match the authenticated client');
  }
  return { clientId: basic.username, clientSecret: basic.password, viaBasic: true };
}

/**
 * Authenticates the client at the token, revocation and introspection endpoints:
 * confidential clients with client_secret_basic or client_secret_post, public ones with `none`.
 */
@Injectable()
export class ClientAuthenticator {
  /**
   * Recently verified (client, secret hash, secret) triples: scrypt on every token request would
   * make the token endpoint CPU-bound. Keyed by SHA-256, never the secret itself; bounded.
   */
  private readonly verified = new Map<string, number>();
  private static readonly CACHE_MS = 5 * 60_000;
  private static readonly CACHE_SIZE = 1000;

  constructor(
    private readonly registry: ClientRegistry,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async authenticate(credentials: ClientCredentials): Promise<OAuthClient> {
    const { clientId, clientSecret } = credentials;
    if (!clientId) throw new InvalidClient('Client authentication is required');
    const client = await this.registry.find(clientId);
    if (!client) {
      // Same answer and similar work as a wrong secret: client ids are not enumerable.
      if (clientSecret !== undefined) await this.hasher.hash(clientSecret);
      throw new InvalidClient('Client authentication failed');
    }
    if (client.type === 'public') {
      if (clientSecret !== undefined) {
        throw new InvalidClient('Public clients authenticate with method "none"');
      }
      return client;
    }
    if (clientSecret === undefined) {
      throw new InvalidClient('Client authentication is required');
    }
    if (!client.secretHash || !(await this.verifySecret(clientSecret, client.secretHash))) {
      throw new InvalidClient('Client authentication failed');
    }
    return client;
  }

  private async verifySecret(secret: string, secretHash: string): Promise<boolean> {
    const key = sha256Base64Url(`${secretHash}\n${secret}`);
    const now = this.clock.now().getTime();
    const until = this.verified.get(key);
    if (until !== undefined && until > now) return true;
    if (!(await this.hasher.verify(secret, secretHash))) return false;
    if (this.verified.size >= ClientAuthenticator.CACHE_SIZE) this.verified.clear();
    this.verified.set(key, now + ClientAuthenticator.CACHE_MS);
    return true;
  }
}
