import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import { ParConfig } from '../../config/sections/par.config';
import { randomToken } from '../../platform/crypto/hashing';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import type { OAuthClient } from '../../clients/oauth-client';
import { AuthorizationRequestCheck } from '../request-rules/authorization-request.check';
import type { AuthorizationRequestDto } from '../request-rules/authorization-request.dto';
import {
  authorizationParametersOf,
  type AuthorizationParameters,
} from '../request-rules/authorization-parameters';
import { RequestObjectVerifier } from '../request-rules/request-object.verifier';
import { InvalidRequestUri } from './par.errors';

/** RFC 9126 §2.2: the URN prefix of a `request_uri`; the rest is the store's key. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
const REQUEST_URI = /^urn:ietf:params:oauth:request_uri:([A-Za-z0-9_-]{43})$/;

/** A pushed request's parameters, as /authorize reads them. */
export type PushedParameters = AuthorizationParameters;

/** Whether `requestUri` has the form of the references POST /par issues (RFC 9126 §2.2). */
export function isPushedRequestUri(requestUri: string): boolean {
  return requestUri.startsWith(REQUEST_URI_PREFIX);
}

/**
 * RFC 9126 pushed authorization requests, kept in the challenge store as kind `par_request_uri`:
 * the request is checked as /authorize checks it, stored under the SHA-256 of a 256-bit
 * `request_uri`, bound to its client, and lives PAR_REQUEST_URI_TTL_SECONDS: the time the client
 * has to start the request at /authorize (RFC 9126 §2.2). /authorize redeems it (one atomic
 * consume) when it issues the code at once, or when it sends the user to sign in or consent:
 * then the request is held (HeldAuthorizationRequests) for as long as a held request lives, and
 * the way back reads the hold. A `request_uri` starts at most one request, which yields at most
 * one code, only for its client, and only if started while the `request_uri` lives.
 */
@Injectable()
export class PushedAuthorizationRequests {
  constructor(
    private readonly store: ChallengeStore,
    private readonly requests: AuthorizationRequestCheck,
    private readonly par: ParConfig,
    private readonly requestObjects: RequestObjectVerifier,
  ) {}

  /**
   * Checks and stores the request of an authenticated client. `dpopJkt` is the key of the
   * request's DPoP proof (RFC 9449 §10.1): the code will be bound to it.
   */
  async push(
    client: OAuthClient,
    request: AuthorizationRequestDto,
    dpopJkt?: string,
  ): Promise<{ request_uri: string; expires_in: number }> {
    // RFC 9126 §2.1: a pushed request cannot itself point at another.
    if (request.request_uri !== undefined) {
      throw new InvalidRequest('request_uri cannot be pushed');
    }
    // RFC 9126 §3: a request object's claims are the request (verified as at /authorize, RFC
    // 9101 §6.3); the form's other parameters are the client authentication's, or ignored.
    const parameters = await this.requestObjects.parametersOf(client, request.request, request);
    if (parameters.redirect_uri === undefined) throw new InvalidRequest('redirect_uri is required');
    const unregistered = this.requests.unregisteredRedirectUri(client, parameters.redirect_uri);
    if (unregistered) throw unregistered;
    if (
      dpopJkt !== undefined &&
      parameters.dpop_jkt !== undefined &&
      parameters.dpop_jkt !== dpopJkt
    ) {
      throw new InvalidRequest("dpop_jkt is not the thumbprint of the DPoP proof's key");
    }
    const pushed: AuthorizationParameters = {
      ...parameters,
      ...(dpopJkt === undefined ? {} : { dpop_jkt: dpopJkt }),
    };
    const { pkce } = await this.requests.check(client, pushed);
    // Checked here, not only when /authorize reads the request back: a pushed request the
    // authorization endpoint would refuse is refused at once (RFC 9126 §2.1).
    if (!pkce.ok) throw pkce.refusal;
    const key = randomToken(32);
    const ttlSeconds = this.par.requestUriTtlSeconds;
    await this.store.issue<PushedParameters>({
      kind: 'par_request_uri',
      key,
      binding: { client_id: client.clientId },
      payload: pushed,
      ttlSeconds,
    });
    return { request_uri: `${REQUEST_URI_PREFIX}${key}`, expires_in: ttlSeconds };
  }

  /**
   * The live request behind `requestUri`, pushed by `clientId` (read only: redeemed by `redeem`,
   * with its code or as it is held). Unknown, used, expired or another client's: InvalidRequestUri.
   */
  async find(clientId: string, requestUri: string): Promise<PushedParameters> {
    const key = keyOf(requestUri);
    const live = await this.store.peek<PushedParameters>('par_request_uri', key);
    if (live && live.binding.client_id === clientId) return readPushed(live.payload);
    if (live) throw anotherClient();
    // Not live: ask the store why, which changes nothing for a challenge that is not live.
    throw refusal(await this.store.consume('par_request_uri', key, { client_id: clientId }));
  }

  /**
   * Spends the request as its code is issued, or as it moves into the hold when the user is sent
   * to sign in or consent: the one atomic redemption.
   */
  async redeem(clientId: string, requestUri: string): Promise<void> {
    const result = await this.store.consume('par_request_uri', keyOf(requestUri), {
      client_id: clientId,
    });
    if (!result.ok) throw refusal(result);
  }
}

function keyOf(requestUri: string): string {
  const key = REQUEST_URI.exec(requestUri)?.[1];
  if (key === undefined) {
    throw new InvalidRequestUri('request_uri is not one this server issued').because('unknown');
  }
  return key;
}

/**
 * A stored request as /authorize reads it. One pushed before `resource` could be repeated keeps
 * it as text (it lives PAR_REQUEST_URI_TTL_SECONDS, across an upgrade at most): read as a list.
 */
function readPushed(stored: PushedParameters): PushedParameters {
  return authorizationParametersOf(stored);
}

function anotherClient(): InvalidRequestUri {
  return new InvalidRequestUri('request_uri was pushed by another client').because(
    'client_mismatch',
  );
}

function refusal(result: Awaited<ReturnType<ChallengeStore['consume']>>): InvalidRequestUri {
  if (result.ok) throw new Error('A live request_uri cannot be refused');
  switch (result.reason) {
    case 'expired':
      return new InvalidRequestUri('request_uri expired').because('expired');
    case 'replayed':
      return new InvalidRequestUri('request_uri was already used').because('replay');
    case 'binding_mismatch':
      return anotherClient();
    case 'unknown':
      return new InvalidRequestUri('request_uri is not one this server issued').because('unknown');
  }
}
