import { STEP_ATTRIBUTES, tracedStep } from '../../platform/tracing/tracing';
import { Injectable } from '@nestjs/common';
import {
  InvalidRequest,
  ProtocolError,
  UnsupportedResponseType,
} from '../../platform/errors/protocol-error';
import { ChallengeRejected } from '../../challenges/challenge.events';
import { AppConfig } from '../../config/app-config';
import { DomainEvents } from '../../platform/events/domain-events';
import { isRegisteredRedirectUri } from '../../clients/check-redirect-uri';
import { ClientRegistry } from '../../clients/client-registry.service';
import { LoginSession } from '../../login/session';
import { clientLabel, type OAuthClient } from '../../clients/oauth-client';
import { ConsentService } from '../consent/consent.service';
import { checkCodeChallenge } from '../pkce/check-pkce';
import { checkAuthorizedResource } from '../resource/check-resource';
import { ResourceClientIdCheck } from '../resource/check-resource-client-id';
import { checkScope } from '../../tokens/scopes';
import { AuthorizationCodeService, MAX_NONCE_LENGTH } from './authorization-code.service';
import type { AuthorizationRequestDto } from './authorization-request.dto';
import { AuthorizationRequested } from './authorization.events';

/** What /authorize answers: a page (no trustworthy redirect URI), or a redirect. */
export type AuthorizationOutcome =
  | { kind: 'error_page'; error: ProtocolError }
  | { kind: 'login'; location: string }
  /** A client that is not first-party, without a remembered consent covering the scope. */
  | {
      kind: 'consent';
      client: OAuthClient;
      scope: string;
      session: LoginSession;
      returnTo: string;
      /** RFC 8707: the resource the tokens will be for, when it is not Proofgate's own API. */
      resource?: string;
    }
  | { kind: 'redirect'; location: string; error?: string };

/**
 * RFC 6749 §4.1.1 with OAuth 2.1's rules. Until client and redirect URI are known to be genuine,
 * errors are shown as a page (§4.1.2.1: never redirect to an unverified URI); after that they
 * go back to the client with `state` and `iss` (RFC 9207).
 */
@Injectable()
export class AuthorizationEndpoint {
  constructor(
    private readonly clients: ClientRegistry,
    private readonly codes: AuthorizationCodeService,
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
    private readonly consents: ConsentService,
    private readonly resourceClientIds: ResourceClientIdCheck,
  ) {}

  async handle(
    request: AuthorizationRequestDto,
    session: LoginSession | null,
    originalUrl: string,
  ): Promise<AuthorizationOutcome> {
    return tracedStep(
      'oauth.authorize',
      { [STEP_ATTRIBUTES.model]: 'pkce', [STEP_ATTRIBUTES.clientId]: request.client_id },
      async (span) => {
        const outcome = await this.decide(request, session, originalUrl);
        span.set(STEP_ATTRIBUTES.outcome, outcomeLabels(outcome).outcome);
        return this.reported(request, outcome);
      },
    );
  }

  private reported(
    request: AuthorizationRequestDto,
    outcome: AuthorizationOutcome,
  ): AuthorizationOutcome {
    const { outcome: label, error } = outcomeLabels(outcome);
    const method = request.code_challenge_method;
    this.events.emit(
      new AuthorizationRequested(
        label,
        error,
        method === undefined ? 'none' : method === 'S256' || method === 'plain' ? method : 'other',
      ),
    );
    return outcome;
  }

  private async decide(
    request: AuthorizationRequestDto,
    session: LoginSession | null,
    originalUrl: string,
  ): Promise<AuthorizationOutcome> {
    const { client_id: clientId, redirect_uri: redirectUri } = request;
    if (!clientId) return page(new InvalidRequest('client_id is required'));
    const client = await this.clients.find(clientId);
    if (!client) return page(new InvalidRequest('Unknown client_id'));
    if (!redirectUri) return page(new InvalidRequest('redirect_uri is required'));
    if (!isRegisteredRedirectUri(client, redirectUri)) {
      return page(new InvalidRequest('redirect_uri is not registered for this client'));
    }

    const state = request.state;
    try {
      if (request.response_type !== 'code') {
        throw request.response_type
          ? new UnsupportedResponseType('Only response_type=code is supported')
          : new InvalidRequest('response_type is required');
      }
      const codeChallenge = checkCodeChallenge(
        request.code_challenge,
        request.code_challenge_method,
      );
      if (this.config.oauth.requireState && !state) {
        throw new InvalidRequest('state is required');
      }
      const scope = checkScope(request.scope);
      const nonce = checkNonce(request.nonce);
      const resource = checkAuthorizedResource(client, request.resource, {
        defaultResource: this.config.tokens.audience,
        registeredClients: this.config.oauth.registeredClientResources,
      });
      await this.resourceClientIds.refuseClientId(client, resource);

      if (!session) {
        return { kind: 'login', location: `/login?return_to=${encodeURIComponent(originalUrl)}` };
      }
      const otherResource = resource === this.config.tokens.audience ? undefined : resource;
      if (
        !client.firstParty &&
        !(await this.consents.covers(session.sub, client.clientId, scope, otherResource))
      ) {
        return {
          kind: 'consent',
          client,
          scope,
          session,
          returnTo: originalUrl,
          ...(otherResource === undefined ? {} : { resource: otherResource }),
        };
      }

      const code = await this.codes.issue(
        { client_id: client.clientId, redirect_uri: redirectUri, code_challenge: codeChallenge },
        {
          sub: session.sub,
          scope,
          authMethod: session.authMethod,
          authTime: Math.floor(session.authTime.getTime() / 1000),
          ...(nonce === undefined ? {} : { nonce }),
          resource,
        },
      );
      return this.redirect(redirectUri, { code, state });
    } catch (error) {
      if (!(error instanceof ProtocolError) || error.status >= 500) throw error;
      if (error.reason) {
        this.events.emit(
          new ChallengeRejected('authorization_code', error.reason, clientLabel(client)),
        );
      }
      return {
        ...this.redirect(redirectUri, {
          error: error.error,
          error_description: error.description,
          state,
        }),
        error: error.error,
      };
    }
  }

  private redirect(redirectUri: string, params: Record<string, string | undefined>) {
    const url = new URL(redirectUri);
    for (const [name, value] of Object.entries({ ...params, iss: this.config.issuer })) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return { kind: 'redirect' as const, location: url.toString() };
  }
}

function checkNonce(nonce: string | undefined): string | undefined {
  if (nonce !== undefined && nonce.length > MAX_NONCE_LENGTH) {
    throw new InvalidRequest(`nonce is longer than ${MAX_NONCE_LENGTH} characters`);
  }
  return nonce;
}

function page(error: ProtocolError): AuthorizationOutcome {
  return { kind: 'error_page', error };
}

function outcomeLabels(outcome: AuthorizationOutcome): {
  outcome: AuthorizationRequested['outcome'];
  error: string;
} {
  switch (outcome.kind) {
    case 'error_page':
      return { outcome: 'error_page', error: outcome.error.error };
    case 'login':
      return { outcome: 'login_required', error: '' };
    case 'consent':
      return { outcome: 'consent_required', error: '' };
    case 'redirect':
      return outcome.error
        ? { outcome: 'error_redirect', error: outcome.error }
        : { outcome: 'code_issued', error: '' };
  }
}
