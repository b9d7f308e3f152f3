import { Injectable } from '@nestjs/common';
import type { OAuthClient } from '../../clients/oauth-client';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import {
  PushedAuthorizationRequests,
  isPushedRequestUri,
} from '../par/pushed-authorization.service';
import {
  HELD_REQUEST_PARAM,
  type AuthorizationParameters,
} from '../request-rules/authorization-parameters';
import { HeldAuthorizationRequests } from './held-authorization-request';
import { RequestObjectVerifier } from '../request-rules/request-object.verifier';
import { RequestUriFetcher } from './request-uri.fetcher';

/** What came in the front channel (a query, or a form POST): the parameters read here. */
export type FrontChannelParameters = AuthorizationParameters & {
  readonly request?: string;
  readonly request_uri?: string;
  readonly [HELD_REQUEST_PARAM]?: string;
};

/** Where an authorization request's parameters came from, and the parameters. */
export type ReadAuthorizationRequest = { parameters: AuthorizationParameters } & (
  | { source: 'query' }
  /**
   * RFC 9101: a request object, verified: by value (`request`), or by reference (a `request_uri`
   * the client registered, fetched: OpenID Connect Core §6.2, RFC 9101 §5.2).
   */
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
 * A `request_uri` is POST /par's (`urn:ietf:params:oauth:request_uri:…`), or else the URL of a
 * request object the client registered (`request_uris`), fetched (RequestUriFetcher) and then
 * verified exactly as `request` is. The refusals: both `request` and `request_uri` (RFC 9101 §5),
 * a `request_uri` the client did not register or that could not be fetched
 * (`invalid_request_uri`), a bad request object (`invalid_request_object`), an unknown or spent
 * pushed reference, and a plain request from a client that requires signed request objects
 * (RFC 9101 §10.5).
 */
@Injectable()
export class AuthorizationRequestReader {
  constructor(
    private readonly pushed: PushedAuthorizationRequests,
    private readonly held: HeldAuthorizationRequests,
    private readonly requestObjects: RequestObjectVerifier,
    private readonly requestUris: RequestUriFetcher,
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
        const requestObject = await this.requestUris.requestObjectAt(client, requestUri);
        return {
          source: 'request_object',
          parameters: await this.requestObjects.parameters(client, requestObject),
        };
      }
      return {
        source: 'pushed',
        requestUri,
        parameters: await this.pushed.find(client.clientId, requestUri),
      };
    }
    const parameters = await this.requestObjects.parametersOf(client, request, front);
    return request === undefined
      ? { source: 'query', parameters }
      : { source: 'request_object', parameters };
  }
}
