import { Injectable } from '@nestjs/common';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { RegistrableGrantTypes } from '../../clients/registration/registrable-grant-types';
import { AuthorizationRequestCheck } from '../request-rules/authorization-request.check';
import { presentedCredentials } from '../client-authentication.dto';
import { ClientBudget } from '../client-budget';
import { checkGrantType } from '../request-rules/check-grant-type';
import { DEVICE_CODE_GRANT_TYPE } from './device-authorization';
import type { DeviceAuthorizationRequestDto } from './device-authorization-request.dto';
import {
  DeviceAuthorizationService,
  type DeviceAuthorizationResponse,
} from './device-authorization.service';

/**
 * POST /device_authorization (RFC 8628 §3.1): the client authenticates as at /token, must be
 * registered for the device code grant (else unauthorized_client, RFC 8628 §3.2 and RFC 6749
 * §5.2), and its scope and resource are checked as /authorize checks them, and refused where a
 * device grant cannot serve them (`account`, an `acr` minimum), before anything is stored. A confidential client's budget is charged alongside, once its secret is checked.
 */
@Injectable()
export class DeviceAuthorizationEndpoint {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly budget: ClientBudget,
    private readonly requests: AuthorizationRequestCheck,
    private readonly authorizations: DeviceAuthorizationService,
    private readonly grantTypes: RegistrableGrantTypes,
  ) {}

  async handle(
    request: DeviceAuthorizationRequestDto,
    authorization: string | undefined,
    callerAddress: string,
  ): Promise<DeviceAuthorizationResponse> {
    const client = await this.clients.authenticate(
      presentedCredentials(authorization, request, callerAddress),
    );
    checkGrantType(client, DEVICE_CODE_GRANT_TYPE, this.grantTypes.rules);
    const work = async () => {
      // One resource per device authorization (RFC 8628 §3.1 names no repetition; the DTO
      // refuses one): what the user confirms on the verification page is a single server.
      const { scope, resource } = await this.requests.checkScopeAndResource(client, request);
      this.requests.refuseForDeviceGrant(scope, resource);
      return this.authorizations.issue(client, scope, resource);
    };
    return client.type === 'confidential' ? this.budget.alongside(client.clientId, work) : work();
  }
}
