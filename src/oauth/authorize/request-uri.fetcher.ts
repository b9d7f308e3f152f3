import { Injectable, Logger } from '@nestjs/common';
import { ClientMetadataConfig } from '../../config/sections/client-metadata.config';
import { clientLabel, type OAuthClient } from '../../clients/oauth-client';
import { GuardedFetcher, OutboundFetchError } from '../../platform/http/outbound/guarded-fetcher';
import { isRegisteredRequestUri } from '../../protocol-rules/request-uris';
import { InvalidRequestUri } from '../par/par.errors';
import { MAX_REQUEST_OBJECT_LENGTH } from '../request-rules/request-object.verifier';

/** What a request object fetched by reference may cost: its size, and the whole exchange's time. */
export const REQUEST_URI_FETCH_LIMITS = {
  /** The longest request object read at all, by value or by reference. */
  maxBytes: MAX_REQUEST_OBJECT_LENGTH,
  timeoutMs: 5_000,
} as const;

/**
 * OpenID Connect Core §6.2 and RFC 9101 §5.2: the request object a client passes by reference, at
 * a `request_uri` it registered (`request_uris`; an unregistered one is never fetched). Fetched
 * with the SSRF guard and the settings of client metadata documents and `jwks_uri`s: https to a
 * public address only (http and non-public addresses with CLIENT_METADATA_ALLOW_PRIVATE, refused
 * in production), its CA file and DNS servers, no redirect followed, at most
 * REQUEST_URI_FETCH_LIMITS' bytes within its time. Never cached: the object is read once per
 * request (the way back from the login and consent pages is the request held for it). What it
 * holds is verified by the caller exactly as a `request` parameter is. Refusals are
 * `invalid_request_uri`, whose description never says what the host answered, nor where it
 * resolved (that goes to the log, with the host alone).
 */
@Injectable()
export class RequestUriFetcher {
  private readonly logger = new Logger(RequestUriFetcher.name);

  constructor(
    private readonly fetcher: GuardedFetcher,
    private readonly clientMetadata: ClientMetadataConfig,
  ) {}

  /** The request object at `requestUri`, a URL `client` registered. */
  async requestObjectAt(client: OAuthClient, requestUri: string): Promise<string> {
    if (!isRegisteredRequestUri(client.requestUris ?? [], requestUri)) {
      throw new InvalidRequestUri(
        client.requestUris?.length
          ? "request_uri is not one of the client's registered request_uris"
          : 'request_uri must be one the client registered (request_uris): this client registered none',
      );
    }
    const target = new URL(requestUri);
    target.hash = '';
    try {
      const fetched = await this.fetcher.get(target, {
        ...REQUEST_URI_FETCH_LIMITS,
        allowPrivate: this.clientMetadata.allowPrivate,
        // RFC 9101 §5.2.3's type first; OpenID Connect Core §6.2 names none.
        accept: 'application/oauth-authz-req+jwt, application/jwt',
        ...(this.clientMetadata.extraCaCertificates
          ? { extraCaCertificates: this.clientMetadata.extraCaCertificates }
          : {}),
      });
      return fetched.body.toString('utf8').trim();
    } catch (error) {
      if (!(error instanceof OutboundFetchError)) throw error;
      // The host and the reason only: the URI may carry anything.
      this.logger.warn(
        `request_uri of client ${clientLabel(client)} at ${target.host} unusable: ${error.message}`,
      );
      throw new InvalidRequestUri(
        error.timedOut
          ? `The request object at request_uri did not come within ${REQUEST_URI_FETCH_LIMITS.timeoutMs} ms`
          : error.message.startsWith('larger than')
            ? `The request object at request_uri is larger than ${REQUEST_URI_FETCH_LIMITS.maxBytes} bytes`
            : 'The request object could not be fetched from request_uri',
      );
    }
  }
}
