import { Injectable } from '@nestjs/common';
import {
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
} from 'jose';
import {
  claimsSet,
  clientJwsTexts,
  jwsRefusal,
  verifyClientJws,
} from '../../clients/assertion/assertion-jws';
import { ClientKeySets, checkWithRotatedKeys } from '../../clients/assertion/client-key-sets';
import { usesPrivateKeyJwt, type OAuthClient } from '../../clients/oauth-client';
import { ServerConfig } from '../../config/sections/server.config';
import { Clock } from '../../platform/clock/clock';
import { InvalidClient, InvalidRequest } from '../../platform/errors/protocol-error';
import { DuplicateMemberName } from '../../platform/http/json-duplicate-names';
import {
  REQUEST_OBJECT_SIGNING_ALGS,
  isRequestObjectAudience,
  isRequestObjectSigningAlg,
} from '../../protocol-rules/request-object';
import {
  AUTHORIZATION_PARAMETERS,
  authorizationParametersOf,
  type AuthorizationParameters,
} from './authorization-parameters';
import { InvalidRequestObject } from './authorization-request.errors';
import { profileSigningAlgs } from '../../protocol-rules/client-profile';

/** Longest request object read at all. */
export const MAX_REQUEST_OBJECT_LENGTH = 16 * 1024;
/** Three base64url segments; an unsigned JWT's last one is empty (RFC 7519 §6.1). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** Clock skew allowed on `exp`, `nbf` and `iat`, either way. */
export const REQUEST_OBJECT_CLOCK_SKEW_SECONDS = 30;
/**
 * FAPI 2.0 Message Signing §5.3.1: `nbf` no longer than 60 minutes in the past, `exp` no longer
 * than 60 minutes after `nbf`.
 */
export const SIGNED_REQUEST_MAX_AGE_SECONDS = 3600;

/**
 * RFC 9101 request objects passed by value (`request`, at /authorize or, RFC 9126 §3, at /par):
 * the authorization request is the object's claims, and only those (§6.3: parameters outside it
 * are ignored; `client_id` must be identical). Checked in this order:
 *
 * - the form: a compact JWS (an encrypted one, a JWE, is not supported);
 * - unsigned (`alg: none`, OpenID Connect Core §6.1): accepted only from a client that registered
 *   no `request_object_signing_alg` and does not require signed request objects;
 * - signed: an algorithm of REQUEST_OBJECT_SIGNING_ALGS (the client's registered algorithm when
 *   it has one), verified with the client's registered keys exactly as its client assertions are
 *   (ClientKeySets: `jwks`, or `jwks_uri` fetched through the SSRF guard and cached; an unknown
 *   `kid` refreshes it once; verifyClientJws: node:crypto, the key rules of public-key-rules.ts);
 * - claims: no nested `request` or `request_uri` (§4); `client_id` the client's (§6.3); `iss` the
 *   client and `aud` the issuer identifier (or an array holding it), required when signed, and
 *   checked when an unsigned one carries them; `exp`, `nbf` and `iat` numbers, not expired, not
 *   before their time (30 s of skew); for a client that requires signed request objects, FAPI 2.0
 *   Message Signing §5.3.1's `exp` and `nbf`, at most an hour apart;
 * - the parameters /authorize reads: strings (`max_age` may be a JSON number).
 *
 * No `jti` is recorded: a request object is not a credential (its code goes to the client's
 * redirect URI, bound to its PKCE challenge), and RFC 9101 asks for no replay check. Every
 * refusal is `invalid_request_object`, its description naming the check, never the object.
 */
@Injectable()
export class RequestObjectVerifier {
  private readonly issuer: string;

  constructor(
    private readonly keySets: ClientKeySets,
    private readonly clock: Clock,
    server: ServerConfig,
  ) {
    this.issuer = server.issuer;
  }

  /**
   * The authorization parameters of a request that came by value: its request object's claims
   * when it carries one (RFC 9101 §6.3: only those), else its own parameters, from a client that
   * may send them plain (RFC 9101 §10.5). At /authorize and at /par alike.
   */
  async parametersOf(
    client: OAuthClient,
    requestObject: string | undefined,
    plain: Parameters<typeof authorizationParametersOf>[0],
  ): Promise<AuthorizationParameters> {
    if (requestObject !== undefined) return this.parameters(client, requestObject);
    refusePlainRequest(client);
    return authorizationParametersOf(plain);
  }

  /** The authorization parameters `requestObject` carries for `client`, once verified. */
  async parameters(client: OAuthClient, requestObject: string): Promise<AuthorizationParameters> {
    if (requestObject.length > MAX_REQUEST_OBJECT_LENGTH || !COMPACT_JWS.test(requestObject)) {
      throw refused(
        requestObject.split('.').length === 5
          ? 'Encrypted request objects are not supported: send a signed one (JWS)'
          : 'request must be a request object: a JWT in compact serialization',
        'malformed',
      );
    }
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(requestObject);
    } catch {
      throw refused(
        'request must be a request object: a JWT in compact serialization',
        'malformed',
      );
    }
    const signed = header.alg !== 'none';
    const claims = signed
      ? await this.verified(client, requestObject, header)
      : unsignedClaims(client, requestObject);
    return this.checked(client, claims, signed);
  }

  private async verified(
    client: OAuthClient,
    requestObject: string,
    header: ProtectedHeaderParameters,
  ): Promise<JWTPayload> {
    if (!isRequestObjectSigningAlg(header.alg)) {
      throw refused(
        `request must be signed with ${REQUEST_OBJECT_SIGNING_ALGS.join(', ')}, or be unsigned (alg none); never HS*: Proofgate keeps only a hash of a client secret`,
        'alg',
      );
    }
    const registered = client.requestObjectSigningAlg;
    if (registered !== undefined && header.alg !== registered) {
      throw refused(
        `request must be signed with ${registered}, the client's request_object_signing_alg`,
        'alg',
      );
    }
    // FAPI 2.0 §5.4.1-1: a client of the fapi2 profile signs with PS256, ES256 or EdDSA only.
    const profileAlgs = profileSigningAlgs(client);
    if (profileAlgs !== undefined && !profileAlgs.includes(header.alg)) {
      throw refused(
        `request must be signed with ${profileAlgs.join(', ')}: the client's fapi2 profile (FAPI 2.0 §5.4.1)`,
        'alg',
      );
    }
    if (!usesPrivateKeyJwt(client)) {
      throw refused(
        'The client registered no public keys (jwks or jwks_uri) to verify a signed request object with',
        'key',
      );
    }
    return checkWithRotatedKeys(
      await this.keys(() => this.keySets.keysOf(client)),
      () => this.keys(() => this.keySets.refreshed(client)),
      (keys) => verifyClientJws(requestObject, header, keys),
      asRefusal,
    );
  }

  /** The client's keys; a key set that cannot be used refuses the object, not the client. */
  private async keys<K extends JWTVerifyGetKey | undefined>(get: () => Promise<K>): Promise<K> {
    try {
      return await get();
    } catch (error) {
      if (error instanceof InvalidClient) throw refused(error.description, 'key');
      throw error;
    }
  }

  private checked(
    client: OAuthClient,
    claims: JWTPayload,
    signed: boolean,
  ): AuthorizationParameters {
    // RFC 9101 §4: the object is the request; it cannot point at another.
    if (Object.hasOwn(claims, 'request') || Object.hasOwn(claims, 'request_uri')) {
      throw refused('A request object must not contain request or request_uri', 'claims');
    }
    // RFC 9101 §6.3: the client_id inside and outside must be identical.
    if (claims.client_id !== client.clientId) {
      throw refused(
        'request client_id must be present and identical to the client_id parameter',
        'client_id',
      );
    }
    // RFC 9101 §4 (OpenID Connect Core §6.1): iss and aud say who signed it, and for which
    // server; a signed object must carry both, so that it cannot be replayed elsewhere.
    if ((signed || claims.iss !== undefined) && claims.iss !== client.clientId) {
      throw refused('request iss must be the client_id', 'iss');
    }
    if ((signed || claims.aud !== undefined) && !isRequestObjectAudience(claims.aud, this.issuer)) {
      throw refused(
        'request aud must be the issuer identifier (or an array holding it)',
        'audience',
      );
    }
    this.checkTimes(client, claims);
    return parametersOf(claims);
  }

  /** RFC 7519 §4.1.4-6, and FAPI 2.0 Message Signing §5.3.1 for a client that requires signing. */
  private checkTimes(client: OAuthClient, claims: JWTPayload): void {
    const now = this.clock.nowSeconds();
    const exp = numericDate(claims, 'exp');
    const nbf = numericDate(claims, 'nbf');
    const iat = numericDate(claims, 'iat');
    if (exp !== undefined && exp <= now - REQUEST_OBJECT_CLOCK_SKEW_SECONDS) {
      throw refused('request object expired (exp)', 'expired');
    }
    if (nbf !== undefined && nbf > now + REQUEST_OBJECT_CLOCK_SKEW_SECONDS) {
      throw refused('request object is not valid yet (nbf)', 'nbf');
    }
    if (iat !== undefined && iat > now + REQUEST_OBJECT_CLOCK_SKEW_SECONDS) {
      throw refused('request object iat is in the future', 'iat');
    }
    if (!client.requireSignedRequestObject) return;
    if (exp === undefined || nbf === undefined) {
      throw refused(
        'request must carry exp and nbf: the client requires signed request objects (FAPI 2.0 Message Signing)',
        'claims',
      );
    }
    if (now - nbf > SIGNED_REQUEST_MAX_AGE_SECONDS + REQUEST_OBJECT_CLOCK_SKEW_SECONDS) {
      throw refused('request nbf is more than 60 minutes in the past', 'nbf');
    }
    if (exp - nbf > SIGNED_REQUEST_MAX_AGE_SECONDS) {
      throw refused('request exp is more than 60 minutes after its nbf', 'lifetime');
    }
  }
}

/**
 * RFC 9101 §10.5 `require_signed_request_object`: a client that registered it sends every
 * authorization request as a signed request object; a plain one (at /authorize or /par) is
 * refused with invalid_request.
 */
export function refusePlainRequest(client: OAuthClient): void {
  if (client.requireSignedRequestObject) {
    throw new InvalidRequest(
      'This client must send its authorization requests as signed request objects (request): its require_signed_request_object',
    ).because('unsigned');
  }
}

/**
 * OpenID Connect Core §6.1 with Registration §2 and RFC 9101 §10.5: an unsigned request object,
 * from a client that registered no signing algorithm and does not require signed ones.
 */
function unsignedClaims(client: OAuthClient, requestObject: string): JWTPayload {
  if (client.profile === 'fapi2') {
    throw refused("request must be signed: the client's fapi2 profile (FAPI 2.0 §5.4.1)", 'alg');
  }
  if (client.requestObjectSigningAlg !== undefined) {
    throw refused(
      `request must be signed with ${client.requestObjectSigningAlg}, the client's request_object_signing_alg`,
      'alg',
    );
  }
  if (client.requireSignedRequestObject) {
    throw refused("request must be signed: the client's require_signed_request_object", 'alg');
  }
  const [, payload, signature] = requestObject.split('.');
  if (signature !== '') {
    throw refused('An unsigned request object (alg none) has an empty signature', 'malformed');
  }
  try {
    return claimsSet(payload);
  } catch (error) {
    throw claimsFormRefusal(error);
  }
}

/** claimsSet's refusal: a member named twice (named), or no JSON object. */
function claimsFormRefusal(error: unknown): InvalidRequestObject {
  if (error instanceof Error && error.cause instanceof DuplicateMemberName) {
    return refused(`request object ${error.cause.message}`, 'malformed');
  }
  return refused('request claims must be a JSON object', 'malformed');
}

function numericDate(claims: JWTPayload, claim: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw refused(`request ${claim} must be a number (seconds since the epoch)`, 'claims');
  }
  return value;
}

/**
 * The parameters /authorize reads, from the claims: strings, `max_age` also as a number,
 * `resource` also as an array of strings (RFC 8707 §2: it may name several), and `claims` also as
 * the JSON object it is in a request object (OpenID Connect Core §6.1).
 */
function parametersOf(claims: JWTPayload): AuthorizationParameters {
  const parameters: AuthorizationParameters = {};
  for (const name of AUTHORIZATION_PARAMETERS) {
    const value = claims[name];
    if (value === undefined) continue;
    if (name === 'resource') {
      const values = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(values) || !values.every((item) => typeof item === 'string')) {
        throw refused('request resource must be a string or an array of strings', 'claims');
      }
      const named = values.filter((item: string) => item !== '');
      if (named.length > 0) parameters.resource = named;
    } else if (
      (name === 'claims' || name === 'authorization_details') &&
      typeof value === 'object' &&
      value !== null
    ) {
      // OpenID Connect Core §6.1, RFC 9396 §3: in a request object, `claims` and
      // `authorization_details` are the JSON values themselves.
      parameters[name] = JSON.stringify(value);
    } else if (typeof value === 'string') {
      // RFC 6749 §3.1: a parameter without a value is omitted.
      if (value !== '') parameters[name] = value;
    } else if (name === 'max_age' && typeof value === 'number' && Number.isSafeInteger(value)) {
      // OpenID Connect Core §6.1: a JSON number in a request object.
      if (value < 0) throw refused('request max_age must not be negative', 'claims');
      parameters.max_age = String(value);
    } else {
      throw refused(`request ${name} must be a string`, 'claims');
    }
  }
  return parameters;
}

/** jose's verdict on the signature as the refusal a client reads; other failures pass through. */
const asRefusal = jwsRefusal({
  own: InvalidRequestObject,
  keyTexts: clientJwsTexts({ subject: 'request object', object: 'the request object' }),
  refused,
  otherwise: formRefusal,
});

function refused(description: string, reason: string): InvalidRequestObject {
  return new InvalidRequestObject(description).because(reason);
}

/** jose's verdict on the form of the JWS or of its claims. */
function formRefusal(error: errors.JOSEError): InvalidRequestObject {
  if (error instanceof errors.JWSInvalid) {
    return refused(
      'request object uses a JWS extension (crit, b64) Proofgate does not understand',
      'malformed',
    );
  }
  if (error instanceof errors.JWTInvalid) return claimsFormRefusal(error);
  return refused('request object is invalid', 'malformed');
}
