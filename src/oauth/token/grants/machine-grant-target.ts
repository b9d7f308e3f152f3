import { Injectable } from '@nestjs/common';
import { OAuthConfig } from '../../../config/sections/oauth.config';
import { StepUpConfig } from '../../../config/sections/step-up.config';
import { TokenConfig } from '../../../config/sections/tokens.config';
import type { OAuthClient } from '../../../clients/oauth-client';
import { checkAuthorizedResource, resourcePolicy } from '../../resource/check-resource';
import { ResourceClientIdCheck } from '../../resource/check-resource-client-id';
import { checkAcrMinimum } from '../../request-rules/check-acr-minimum';

/**
 * Where a machine grant's token may go (client credentials, JWT bearer): the grants that have no
 * user's consent to narrow them check their target the same way, in one place.
 */
@Injectable()
export class MachineGrantTarget {
  constructor(
    private readonly oauth: OAuthConfig,
    private readonly tokens: TokenConfig,
    private readonly resourceClientIds: ResourceClientIdCheck,
    private readonly stepUp: StepUpConfig,
  ) {}

  /** RFC 8707 §2: a resource the client may name, as at /authorize; the default audience if none. */
  resourceFor(client: OAuthClient, requested: string | undefined): string {
    return checkAuthorizedResource(
      client,
      requested,
      resourcePolicy(this.oauth, this.tokens.audience),
    );
  }

  /**
   * The token's target, before it is issued: never a client's id as `aud` (that client's ID
   * tokens' audience, as at the code exchange), and the `acr` the minimums of its resource and
   * scope ask (ACR_REQUIRED_BY_*: `invalid_target` / `invalid_scope`).
   */
  async check(
    client: OAuthClient,
    target: { readonly resource: string; readonly scope: string; readonly acr?: string },
  ): Promise<void> {
    await this.resourceClientIds.refuseClientId(client, target.resource);
    checkAcrMinimum({ aud: target.resource, scope: target.scope, acr: target.acr }, this.stepUp);
  }
}
