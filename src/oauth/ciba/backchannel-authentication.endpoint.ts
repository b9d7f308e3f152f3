import { Injectable } from '@nestjs/common';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import type { OAuthClient } from '../../clients/oauth-client';
import { RegistrableGrantTypes } from '../../clients/registration/registrable-grant-types';
import { StepUpConfig } from '../../config/sections/step-up.config';
import { InvalidRequest, InvalidScope } from '../../platform/errors/protocol-error';
import { SIGNED_IN, unmetAcr } from '../../protocol-rules/acr';
import { ACCOUNT_SCOPE, OPENID_SCOPE, hasScope } from '../../tokens/scopes';
import { AuthorizationRequestCheck } from '../request-rules/authorization-request.check';
import { AuthorizationDetailsCheck } from '../authorization-details/authorization-details.check';
import { presentedCredentials } from '../client-authentication.dto';
import { ClientBudget } from '../client-budget';
import { checkGrantType } from '../request-rules/check-grant-type';
import type { BackchannelAuthenticationRequestDto } from './backchannel-authentication-request.dto';
import { CIBA_GRANT_TYPE, MAX_BINDING_MESSAGE_LENGTH } from './ciba-request';
import { InvalidBindingMessage } from './ciba.errors';
import { CibaHintResolver } from './ciba-hint.resolver';
import { type BackchannelAuthenticationResponse, CibaRequestService } from './ciba-request.service';
import { CibaNotifications } from './notifications/ciba-notifications';
import { chooseLocale } from '../../platform/i18n/page-locale';

/**
 * Plain text a person can read and compare: no control characters (line breaks included), and no
 * format characters, whose bidirectional overrides would show the message other than it is
 * (as client_name, which is shown too).
 */
const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}]/u;

/**
 * POST /backchannel (CIBA Core 1.0 §7): the client authenticates as at /token and must be
 * registered for the CIBA grant (a confidential client: the grant's row says so); the scope, the
 * resource and the authorization details are checked as /authorize checks them, then whom the
 * request asks. Every check that depends on the request alone comes before the account is looked
 * up, and an account that cannot be asked gets the same answer as one that can (§7.3, no
 * enumeration by login_hint).
 */
@Injectable()
export class BackchannelAuthenticationEndpoint {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly budget: ClientBudget,
    private readonly requests: AuthorizationRequestCheck,
    private readonly authorizationDetails: AuthorizationDetailsCheck,
    private readonly hints: CibaHintResolver,
    private readonly cibaRequests: CibaRequestService,
    private readonly stepUp: StepUpConfig,
    private readonly grantTypes: RegistrableGrantTypes,
    private readonly notifications: CibaNotifications,
  ) {}

  async handle(
    request: BackchannelAuthenticationRequestDto,
    authorization: string | undefined,
    callerAddress: string,
  ): Promise<BackchannelAuthenticationResponse> {
    const client = await this.clients.authenticate(
      presentedCredentials(authorization, request, callerAddress),
    );
    checkGrantType(client, CIBA_GRANT_TYPE, this.grantTypes.rules);
    return this.budget.alongside(client.clientId, async () => {
      refuseSignedRequest(request.request);
      // Before the client's own scope rules: their "first-party clients only" would suggest a
      // way to have the account scope here, and there is none.
      refuseAccountScope(request.scope ?? '');
      const { scope, resource } = await this.requests.checkScopeAndResource(client, request);
      refuseScope(scope);
      // A scope or resource that needs more than a sign-in (`phr`, ACR_REQUIRED_BY_*) waits for
      // an approval that achieves it (a passkey's proof over the request), never a click.
      const requiredAcr = unmetAcr({ aud: resource, scope, acr: SIGNED_IN }, this.stepUp)?.acr;
      const authorizationDetails = this.authorizationDetails.check(
        client,
        request.authorization_details,
      );
      const bindingMessage = checkBindingMessage(request.binding_message);
      const requestedExpiry = checkRequestedExpiry(request.requested_expiry);
      const clientNotificationToken = checkNotificationToken(
        client,
        request.client_notification_token,
      );
      const { account, name } = await this.hints.asked(client, request);
      const issued = await this.cibaRequests.issue(client, {
        ...(account === undefined ? {} : { account }),
        asked: name,
        scope,
        resource,
        ...(bindingMessage === undefined ? {} : { bindingMessage }),
        ...(authorizationDetails === undefined ? {} : { authorizationDetails }),
        ...(requestedExpiry === undefined ? {} : { requestedExpiry }),
        ...(requiredAcr === undefined ? {} : { requiredAcr }),
        ...(clientNotificationToken === undefined ? {} : { clientNotificationToken }),
      });
      // The same one insert whether the hint named an account that may be asked or nobody
      // (§7.3, no enumeration): who is told is decided off the request (CibaNotifications).
      await this.notifications.requested(
        client,
        {
          ...(account === undefined ? {} : { sub: account }),
          ...(bindingMessage === undefined ? {} : { bindingMessage }),
          // The mail's language: the request's ui_locales (no browser asks here), else English.
          locale: chooseLocale(request.ui_locales, []),
        },
        issued.expiresAt,
      );
      return issued.response;
    });
  }
}

/**
 * CIBA Core 1.0 §7.1: an OpenID request (`openid` in the scope); never the `account` scope, which
 * can add a way into the account: a request that starts away from the person (as a device code
 * does) may not.
 */
function refuseScope(scope: string): void {
  if (!hasScope(scope, OPENID_SCOPE)) {
    throw new InvalidRequest('scope must include openid (CIBA Core 1.0 §7.1)').because(
      'openid_scope_missing',
    );
  }
  refuseAccountScope(scope);
}

function refuseAccountScope(scope: string): void {
  if (hasScope(scope, ACCOUNT_SCOPE)) {
    throw new InvalidScope(
      `The ${ACCOUNT_SCOPE} scope is never granted through a backchannel request: it starts away from the person`,
    ).because('account_scope_ciba');
  }
}

/**
 * CIBA Core 1.0 §7.1.1: a signed authentication request, the parameters as the claims of a JWT in
 * `request`. Not supported here (the metadata has no
 * `backchannel_authentication_request_signing_alg_values_supported`): refused before anything
 * else, never ignored, so that a client relying on its signed parameters being the ones honoured
 * is not answered as if they were (`request_parameter_supported` speaks of /authorize and /par).
 */
function refuseSignedRequest(signed: string | undefined): void {
  if (signed === undefined) return;
  throw new InvalidRequest(
    'Signed authentication requests (the request parameter, CIBA Core 1.0 §7.1.1) are not supported here: send the parameters as form fields',
  ).because('signed_request');
}

const BINDING_MESSAGE_NOT_PLAIN =
  'binding_message must be plain text on one line, without control or format characters';

/** CIBA Core 1.0 §7.1, §13: a short plain text, else `invalid_binding_message`. */
function checkBindingMessage(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // Characters as a person counts them (code points): an emoji is one, not two UTF-16 units.
  const characters = [...value].length;
  if (characters === 0 || characters > MAX_BINDING_MESSAGE_LENGTH) {
    throw new InvalidBindingMessage(
      `binding_message must be 1 to ${MAX_BINDING_MESSAGE_LENGTH} characters`,
    ).because('length');
  }
  if (CONTROL_CHARACTERS.test(value)) {
    throw new InvalidBindingMessage(BINDING_MESSAGE_NOT_PLAIN).because('control_characters');
  }
  return value;
}

/** CIBA Core 1.0 §7.1: a bearer credential (RFC 6750 §2.1 b64token) of at most 1024 characters. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_NOTIFICATION_TOKEN_LENGTH = 1024;

/**
 * CIBA Core 1.0 §7.1 `client_notification_token`: required of a ping client (the Bearer its
 * endpoint checks, §10.2), ignored from a poll client (nothing is sent to it).
 */
function checkNotificationToken(
  client: OAuthClient,
  token: string | undefined,
): string | undefined {
  if (client.backchannelClientNotificationEndpoint === undefined) return undefined;
  if (token === undefined) {
    throw new InvalidRequest(
      'client_notification_token is required: this client is registered for the ping mode (CIBA Core 1.0 §7.1)',
    ).because('notification_token_missing');
  }
  if (token.length > MAX_NOTIFICATION_TOKEN_LENGTH || !BEARER_TOKEN.test(token)) {
    throw new InvalidRequest(
      `client_notification_token must be a bearer token (RFC 6750 §2.1) of at most ${MAX_NOTIFICATION_TOKEN_LENGTH} characters`,
    ).because('notification_token_syntax');
  }
  return token;
}

/** CIBA Core 1.0 §7.1 `requested_expiry`: a positive integer of seconds. */
function checkRequestedExpiry(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(value)) {
    throw new InvalidRequest('requested_expiry must be a positive whole number of seconds').because(
      'requested_expiry',
    );
  }
  return Number(value);
}
