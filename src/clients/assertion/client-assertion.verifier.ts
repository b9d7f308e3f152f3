import { Injectable } from '@nestjs/common';
import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
} from 'jose';
import { ChallengeRejected } from '../../challenges/challenge.events';
import { ChallengeStore } from '../../challenges/challenge-store';
import { ServerConfig } from '../../config/sections/server.config';
import { Clock } from '../../platform/clock/clock';
import { InvalidClient } from '../../platform/errors/protocol-error';
import { DomainEvents } from '../../platform/events/domain-events';
import { DuplicateMemberName } from '../../platform/http/json-duplicate-names';
import { CLIENT_ASSERTION_ALGS } from '../../protocol-rules/client-jwks';
import { profileSigningAlgs } from '../../protocol-rules/client-profile';
import { clientLabel, type OAuthClient } from '../oauth-client';
import { clientJwsTexts, jwsRefusal, verifyAssertionJws } from './assertion-jws';
import { ClientKeySets, checkWithRotatedKeys } from './client-key-sets';
import {
  CLIENT_ASSERTION_CLOCK_SKEW_SECONDS,
  CLIENT_ASSERTION_MAX_LIFETIME_SECONDS,
} from './private-key-jwt.proof';

/** Longest assertion read at all, and longest `jti` kept. */
const MAX_ASSERTION_LENGTH = 8 * 1024;
const MAX_JTI_LENGTH = 256;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The subject a client assertion names, read before anything is verified: the client it claims
 * to be, to look up when the request sends no client_id (RFC 7521 §4.2: client_id is optional;
 * the MCP SDK's PrivateKeyJwtProvider sends none). Undefined when it is no JWT or names none.
 */
export function assertedClientId(assertion: string): string | undefined {
  if (assertion.length > MAX_ASSERTION_LENGTH || !COMPACT_JWS.test(assertion)) return undefined;
  try {
    const { sub } = decodeJwt(assertion);
    return typeof sub === 'string' && sub !== '' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * RFC 7523 §3 (with RFC 7521 §4.2 and OpenID Connect Core §9) checks of a `private_key_jwt`
 * client assertion, in the order a refusal is cheapest: its form and algorithm (ES256, PS256,
 * RS256 or EdDSA: never HS*, whose key would be a secret the server holds, nor `none`), the
 * signature by one of the client's registered keys (an unknown `kid` refreshes a jwks_uri
 * once), `iss` = `sub` = the client, `aud` the issuer identifier as a single string (never the
 * token endpoint, nor an array: protocol-rules/assertion-audience.ts), `exp` present and
 * at most five minutes ahead, `iat` and `nbf` not in the future (30 s of skew either way), and
 * last the `jti` recorded once in the challenge store, for as long as the assertion could be
 * accepted: a replay is refused on whichever instance it arrives. Every refusal is
 * `invalid_client`, its description naming the check and never the assertion.
 */
@Injectable()
export class ClientAssertionVerifier {
  /** RFC 7523 §3 as rfc7523bis updates it: the one audience that names this server. */
  private readonly audience: string;

  constructor(
    private readonly keySets: ClientKeySets,
    private readonly store: ChallengeStore,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    server: ServerConfig,
  ) {
    this.audience = server.issuer;
  }

  async verify(client: OAuthClient, assertion: string): Promise<void> {
    try {
      const payload = await this.verified(client, assertion);
      await this.spend(client, payload);
    } catch (error) {
      if (error instanceof InvalidClient && error.reason !== undefined) {
        this.events.emit(
          new ChallengeRejected('client_assertion_jti', error.reason, clientLabel(client)),
        );
      }
      throw error;
    }
  }

  private async verified(client: OAuthClient, assertion: string): Promise<JWTPayload> {
    if (assertion.length > MAX_ASSERTION_LENGTH || !COMPACT_JWS.test(assertion)) {
      throw refused('client_assertion must be one compact JWS', 'malformed');
    }
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      throw refused('client_assertion must be one compact JWS', 'malformed');
    }
    if (!(CLIENT_ASSERTION_ALGS as readonly unknown[]).includes(header.alg)) {
      throw refused(
        `client_assertion must be signed with ${CLIENT_ASSERTION_ALGS.join(', ')} (never HS* or none)`,
        'alg',
      );
    }
    // FAPI 2.0 §5.4.1-1: a client of the fapi2 profile signs with PS256, ES256 or EdDSA only.
    const narrowed = profileSigningAlgs(client);
    if (narrowed !== undefined && !narrowed.includes(header.alg as string)) {
      throw refused(
        `client_assertion must be signed with ${CLIENT_ASSERTION_ALGS.filter((alg) => narrowed.includes(alg)).join(', ')} for this client, not ${String(header.alg)}`,
        'alg',
      );
    }
    const payload = await checkWithRotatedKeys(
      await this.keySets.keysOf(client),
      () => this.keySets.refreshed(client),
      (keys) => this.check(assertion, header, client, keys),
      asRefusal,
    );
    const now = this.clock.nowSeconds();
    const exp = payload.exp as number;
    if (exp > now + CLIENT_ASSERTION_MAX_LIFETIME_SECONDS + CLIENT_ASSERTION_CLOCK_SKEW_SECONDS) {
      throw refused(
        `client_assertion exp must be at most ${CLIENT_ASSERTION_MAX_LIFETIME_SECONDS} seconds ahead`,
        'lifetime',
      );
    }
    if (
      typeof payload.iat === 'number' &&
      payload.iat > now + CLIENT_ASSERTION_CLOCK_SKEW_SECONDS
    ) {
      throw refused('client_assertion iat is in the future', 'iat');
    }
    if (
      typeof payload.jti !== 'string' ||
      payload.jti === '' ||
      payload.jti.length > MAX_JTI_LENGTH
    ) {
      throw refused(
        `client_assertion jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`,
        'jti',
      );
    }
    return payload;
  }

  private check(
    assertion: string,
    header: ProtectedHeaderParameters,
    client: OAuthClient,
    keys: JWTVerifyGetKey,
  ): Promise<JWTPayload> {
    return verifyAssertionJws(assertion, header, keys, {
      clientId: client.clientId,
      audience: this.audience,
      nowSeconds: this.clock.nowSeconds(),
      clockToleranceSeconds: CLIENT_ASSERTION_CLOCK_SKEW_SECONDS,
    });
  }

  /** RFC 7523 §3 item 7: the jti once, fleet-wide, until the assertion expires. */
  private async spend(client: OAuthClient, payload: JWTPayload): Promise<void> {
    const remaining = (payload.exp as number) - this.clock.nowSeconds();
    const fresh = await this.store.recordOnce(
      'client_assertion_jti',
      `client_assertion:${client.clientId}\n${payload.jti as string}`,
      Math.max(1, remaining + CLIENT_ASSERTION_CLOCK_SKEW_SECONDS),
    );
    if (!fresh) throw refused('client_assertion was already used (jti replay)', 'replay');
  }
}

/** jose's verdict as the refusal a client reads; infrastructure failures pass through. */
const asRefusal = jwsRefusal({
  own: InvalidClient,
  keyTexts: clientJwsTexts({ subject: 'client_assertion', object: 'client_assertion' }),
  refused,
  otherwise: claimsRefusal,
});

function refused(description: string, reason: string): InvalidClient {
  return new InvalidClient(description).because(reason);
}

/** jose's verdict on the claims, the algorithm or the form. */
function claimsRefusal(error: errors.JOSEError): InvalidClient {
  if (error instanceof errors.JWTInvalid && error.cause instanceof DuplicateMemberName) {
    return refused(`client_assertion ${error.cause.message}`, 'malformed');
  }
  if (error instanceof errors.JWTExpired) return refused('client_assertion expired', 'expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') {
      return refused(`client_assertion must have the ${error.claim} claim`, 'claims');
    }
    switch (error.claim) {
      case 'aud':
        return refused(
          'client_assertion aud must be the issuer identifier, as a single string',
          'audience',
        );
      case 'iss':
      case 'sub':
        return refused('client_assertion iss and sub must both be the client_id', 'subject');
      case 'nbf':
        return refused('client_assertion is not valid yet (nbf)', 'nbf');
      case 'iat':
        return refused('client_assertion iat is in the future', 'iat');
      default:
        return refused(`client_assertion ${error.claim} is invalid`, 'claims');
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return refused(
      `client_assertion must be signed with ${CLIENT_ASSERTION_ALGS.join(', ')} (never HS* or none)`,
      'alg',
    );
  }
  return refused('client_assertion is invalid', 'malformed');
}
