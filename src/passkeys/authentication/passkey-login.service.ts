import { Injectable, Logger } from '@nestjs/common';
import { passkeyMethodKey } from '../../accounts/account';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { ClientRegistry } from '../../clients/client-registry.service';
import type { OAuthClient } from '../../clients/oauth-client';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { grantIdForChallenge } from '../../tokens/grants/grant';
import { GrantTokenIssuer, type TokenResponse } from '../../tokens/grants/grant-token.issuer';
import { DEFAULT_SCOPE } from '../../tokens/scopes';
import { acrOfAuthentication } from '../../protocol-rules/acr';
import { PASSKEY_PROOF } from '../passkey.proof';
import { PasskeyAuthenticationService } from './passkey-authentication.service';

/**
 * The client a passkey sign-in is issued to when the request names none: the one wallet sign-ins
 * use (registered by wallet/ at start), so a first-party SPA offers both with one client.
 */
export const DEFAULT_PASSKEY_CLIENT_ID = 'wallet';

/**
 * POST /passkeys/authentication/verify: a verified assertion opens a grant for a public client,
 * answered with the same token response as POST /wallet/verify.
 */
@Injectable()
export class PasskeyLoginService {
  private readonly logger = new Logger(PasskeyLoginService.name);

  constructor(
    private readonly passkeys: PasskeyAuthenticationService,
    private readonly clients: ClientRegistry,
    private readonly issuer: GrantTokenIssuer,
  ) {}

  async login(response: AuthenticationResponseJSON, clientId?: string): Promise<TokenResponse> {
    // Before verification: an unusable client_id must not cost the user the challenge.
    const client = await this.publicClient(clientId ?? DEFAULT_PASSKEY_CLIENT_ID);
    const verified = await this.passkeys.verify(response);
    this.logger.log(`Passkey login of ${verified.sub} for client ${client.clientId}`);
    const [tokens] = await Promise.all([
      this.issuer.startGrant({
        grantId: grantIdForChallenge(verified.challengeKeyHash),
        clientId: client.clientId,
        sub: verified.sub,
        scope: DEFAULT_SCOPE,
        authMethod: 'passkey',
        methodKey: passkeyMethodKey(verified.credentialId),
        // The passkey proof's own `acr`: `phr`, `phrh` for a hardware-bound passkey.
        acr: acrOfAuthentication(PASSKEY_PROOF.acr, { hardwareBound: verified.hardwareBound }),
      }),
      this.clients.recordUse(client),
    ]);
    return tokens;
  }

  /** Only public clients: this endpoint takes no client secret, as /wallet/verify does not. */
  private async publicClient(clientId: string): Promise<OAuthClient> {
    const client = await this.clients.find(clientId);
    if (!client) throw new InvalidRequest('client_id is not a registered client');
    if (client.type !== 'public') {
      throw new InvalidRequest(
        'client_id must be a public client: passkey sign-in does not authenticate client secrets',
      );
    }
    return client;
  }
}
