import { Injectable } from '@nestjs/common';
import { ClientRegistry } from '../../clients/client-registry.service';
import type { OAuthClient } from '../../clients/oauth-client';
import { TokenConfig } from '../../config/sections/tokens.config';
import { InvalidTarget } from '../../platform/errors/protocol-error';

export const RESOURCE_IS_A_CLIENT = 'resource must not be the client_id of a client';

/**
 * A resource (RFC 8707) is never a client's id. An access token's `aud` is its resource, and an
 * ID token's `aud` is its client's id (OpenID Connect Core §2): a token for resource
 * `https://rp.example/client.json` would carry the very `aud` the client of that id expects in
 * its ID tokens, one `typ` check (RFC 9068 §4, RFC 8725 §3.11) away from being taken for a login.
 *
 * Checked where the server chooses the audience on its own: the default resource and a configured
 * client's `resources` are the operator's. A client is whatever the registry resolves the id
 * to: a stored client (their ids are never absolute URIs today: a backstop), or a client ID
 * metadata document, fetched and cached exactly as if the URL were presented as a client_id.
 */
@Injectable()
export class ResourceClientIdCheck {
  constructor(
    private readonly clients: ClientRegistry,
    private readonly tokens: TokenConfig,
  ) {}

  async refuseClientId(client: Pick<OAuthClient, 'resources'>, resource: string): Promise<void> {
    if (resource === this.tokens.audience || client.resources?.includes(resource)) return;
    if (await this.clients.find(resource)) throw new InvalidTarget(RESOURCE_IS_A_CLIENT);
  }

  /** `refuseClientId` for each of several resources (RFC 8707 §2), looked up side by side. */
  async refuseClientIds(
    client: Pick<OAuthClient, 'resources'>,
    resources: readonly string[],
  ): Promise<void> {
    if (resources.length === 1) return this.refuseClientId(client, resources[0]);
    await Promise.all(resources.map((resource) => this.refuseClientId(client, resource)));
  }
}
