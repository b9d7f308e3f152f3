import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { PasswordHasher } from '../platform/crypto/password-hasher';
import { AppConfig, ClientConfig } from '../config/app-config';
import { ClientRepository } from './client.repository';
import { OAuthClient } from './oauth-client';

/** Registers the configured clients in MongoDB at start-up and looks clients up. */
@Injectable()
export class ClientRegistry implements OnModuleInit {
  private readonly logger = new Logger(ClientRegistry.name);

  constructor(
    private readonly clients: ClientRepository,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const client of this.config.oauth.clients) await this.register(client);
  }

  find(clientId: string): Promise<OAuthClient | null> {
    return this.clients.findById(clientId);
  }

  private async register(wanted: ClientConfig): Promise<void> {
    const existing = await this.clients.findById(wanted.clientId);
    // Hashing is slow on purpose: re-hash only when the secret actually changed.
    const secretHash =
      wanted.clientSecret === undefined
        ? undefined
        : existing?.secretHash &&
            (await this.hasher.verify(wanted.clientSecret, existing.secretHash))
          ? existing.secretHash
          : await this.hasher.hash(wanted.clientSecret);
    const client: OAuthClient = {
      clientId: wanted.clientId,
      type: secretHash ? 'confidential' : 'public',
      name: wanted.name,
      redirectUris: [...wanted.redirectUris],
      ...(secretHash ? { secretHash } : {}),
    };
    const unchanged =
      existing &&
      existing.type === client.type &&
      existing.name === client.name &&
      existing.secretHash === client.secretHash &&
      existing.redirectUris.join('\n') === client.redirectUris.join('\n');
    if (unchanged) return;
    await this.clients.save(client);
    this.logger.log(`Registered ${client.type} client ${client.clientId}`);
  }
}
