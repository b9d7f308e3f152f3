import { Injectable } from '@nestjs/common';
import type { OAuthClient } from '../../clients/oauth-client';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import {
  PushedAuthorizationRequests,
  isPushedRequestUri,
} from '../par/pushed-authorization.service';
import {
  authorizationParametersOf,
  type AuthorizationParameters,
} from './authorization-parameters';
import { RequestUriNotSupported } from './authorize.errors';
import { HELD_REQUEST_PARAM, HeldAuthorizationRequests } from './held-authorization-request';
import { RequestObjectVerifier, refusePlainRequest } from './request-object.verifier';

/** What came in the front channel (a query, or a form POST): the parameters read here. */
export type FrontChannelParameters = AuthorizationParameters & {
  readonly request?: string;
  readonly request_uri?: string;
  readonly [HELD_REQUEST_PARAM]?: string;
};

/** Where an authorization request's parameters came from, and the parameters. */
export type ReadAuthorizationRequest = { parameters: AuthorizationParameters } & (
  | { source: 'query' }
  /** RFC 9101: a request object by value (`request`), verified. */
  | { source: 'request_object' }
  /** RFC 9126: pushed to /par, behind `requestUri`. */
  | { source: 'pushed'; requestUri: string }
  /** Checked and held by /authorize while the user signs in (HeldAuthorizationRequests). */
  | { source: 'held'; key: string }
);

/**
 * The authorization request a front-channel message stands for, for a known client: the query
 * itself, the claims of a request object (RFC 9101 §6.3: only those; the query's other
 * parameters are ignored), a pushed request (RFC 9126 §4: likewise), or a request /authorize
 * held while the user signs in. Read by /authorize, and again by the consent screen's answer.
 * The refusals: both `request` and `request_uri` (RFC 9101 §5), a `request_uri` that is not
 * POST /par's (`request_uri_not_supported`: Proofgate fetches none), a bad request object
 * (`invalid_request_object`), an unknown or spent reference, and a plain request from a client
 * that requires signed request objects (RFC 9101 §10.5).
 */
@Injectable()
export class AuthorizationRequestReader {
  constructor(
    private readonly pushed: PushedAuthorizationRequests,
    private readonly held: HeldAuthorizationRequests,
    private readonly requestObjects: RequestObjectVerifier,
  ) {}

  async read(
    client: OAuthClient,
    front: FrontChannelParameters,
  ): Promise<ReadAuthorizationRequest> {
    const heldKey = front[HELD_REQUEST_PARAM];
    if (heldKey !== undefined) {
      return {
        source: 'held',
        key: heldKey,
        parameters: await this.held.find(client.clientId, heldKey),
      };
    }
    const { request, request_uri: requestUri } = front;
    if (request !== undefined && requestUri !== undefined) {
      throw new InvalidRequest('request and request_uri cannot both be sent (RFC 9101 §5)');
    }
    if (requestUri !== undefined) {
      if (!isPushedRequestUri(requestUri)) {
        throw new RequestUriNotSupported(
          'Only request_uri values issued by POST /par are supported; send a request object by value, in request',
        );
      }
      return {
        source: 'pushed',
        requestUri,
        parameters: await this.pushed.find(client.clientId, requestUri),
      };
    }
    if (request !== undefined) {
      return {
        source: 'request_object',
        parameters: await this.requestObjects.parameters(client, request),
      };
    }
    refusePlainRequest(client);
    return { source: 'query', parameters: authorizationParametersOf(front) };
  }
}
