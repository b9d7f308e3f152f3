import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { ClientRegistry } from '../../clients/client-registry.service';
import { ClientRepository } from '../../clients/client.repository';
import { OAuthClient } from '../../clients/oauth-client';

/** The client wallet logins are issued to when the request names none. */
export const DEFAULT_WALLET_CLIENT_ID = 'wallet';

/** The built-in client's name: its tokens come from any wallet (SIWE, SIWS) or a passkey. */
const NAME = 'Wallet and passkey sign-in';
const LEGACY_NAME = 'Sign-In with Ethereum';

/**
 * The OAuth clients a wallet login may be issued to. Only public ones: /wallet/verify takes no
 * client secret, so issuing to a confidential client would let anyone act as it.
 */
@Injectable()
export class WalletClients implements OnModuleInit {
  private readonly logger = new Logger(WalletClients.name);

  constructor(
    private readonly registry: ClientRegistry,
    private readonly clients: ClientRepository,
  ) {}

  /**
   * The built-in `wallet` client must exist so its refresh tokens work at POST /token (auth
   * method `none`). A `wallet` client configured in OAUTH_CLIENTS is left as configured.
   */
  async onModuleInit(): Promise<void> {
    const existing = await this.clients.findById(DEFAULT_WALLET_CLIENT_ID);
    if (existing) {
      // Registered under its first name, which said Ethereum: it signs in every wallet and passkeys.
      if (existing.name === LEGACY_NAME) await this.clients.save({ ...existing, name: NAME });
      return;
    }
    await this.clients.save({
      clientId: DEFAULT_WALLET_CLIENT_ID,
      type: 'public',
      name: NAME,
      // Wallet login never redirects: this client cannot be used at /authorize.
      redirectUris: [],
    });
    this.logger.log(`Registered public client ${DEFAULT_WALLET_CLIENT_ID}`);
  }

  /** Tokens were issued to `client`: a registered client stays known while it is used. */
  recordUse(client: OAuthClient): Promise<void> {
    return this.registry.recordUse(client);
  }

  /** `clientId` null (JSON's, the validation pipe refuses it before this) is left out: `wallet`. */
  async resolve(clientId?: string | null): Promise<OAuthClient> {
    const client = await this.registry.find(clientId ?? DEFAULT_WALLET_CLIENT_ID);
    if (!client) throw new InvalidRequest('client_id is not a registered client');
    if (client.type !== 'public') {
      throw new InvalidRequest(
        'client_id must be a public client: wallet login does not authenticate client secrets',
      );
    }
    return client;
  }
}
