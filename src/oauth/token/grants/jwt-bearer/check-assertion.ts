import type { JWTPayload } from 'jose';
import type { TrustedJwtIssuer } from '../../../../config/sections/jwt-bearer.config';
import { sha256Base64Url } from '../../../../platform/crypto/hashing';
import { FEDERATED_SUBJECT_PREFIX } from '../../../../tokens/access-token';
import { ASSERTION_CLOCK_SKEW_SECONDS, ASSERTION_MAX_LIFETIME_SECONDS } from './jwt-bearer.proof';
import { InvalidGrant, InvalidScope } from '../../../../platform/errors/protocol-error';

/** RFC 7523 §2.1. */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** draft-ietf-oauth-identity-assertion-authz-grant: the ID-JAG's `typ` header. */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';
/** The same draft's `authorization_grant_profiles_supported` value (RFC 8414 metadata). */
export const ID_JAG_PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';
/** Asymmetric JWS algorithms only (RFC 7518 §3.1): never HS* (a shared secret) nor `none`. */
export const ASSERTION_ALGS = [
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'EdDSA',
] as const;

/**
 * What an assertion is: an ID-JAG (a user an enterprise IdP vouches for, for one client and one
 * resource: MCP enterprise-managed authorization) or a plain workload JWT (a workload's identity
 * from its platform: workload identity federation).
 */
export type AssertionProfile = 'id-jag' | 'workload';

export { ASSERTION_CLOCK_SKEW_SECONDS, ASSERTION_MAX_LIFETIME_SECONDS } from './jwt-bearer.proof';

const refused = (description: string, reason: string) =>
  new InvalidGrant(description).because(reason);

/**
 * RFC 8725 §3.11: the `typ` header tells the kinds of JWT apart. `oauth-id-jag+jwt` is an ID-JAG;
 * none, or `JWT`, a workload JWT; anything else (an access token `at+jwt`, a DPoP proof) is not
 * an assertion for this grant. Media types compare case-insensitively (RFC 7515 §4.1.9).
 */
export function assertionProfile(typ: unknown): AssertionProfile {
  if (typ === undefined) return 'workload';
  const type = typeof typ === 'string' ? typ.toLowerCase() : '';
  if (type === ID_JAG_TYP || type === `application/${ID_JAG_TYP}`) return 'id-jag';
  if (type === 'jwt') return 'workload';
  throw refused(
    `The assertion's typ must be ${ID_JAG_TYP} (an identity assertion) or JWT (a workload identity)`,
    'wrong_typ',
  );
}

/** RFC 7523 §3 item 1: the issuer must be one the operator trusts (JWT_BEARER_ISSUERS). */
export function trustedIssuerOf(
  issuers: readonly TrustedJwtIssuer[],
  iss: unknown,
): TrustedJwtIssuer {
  const trusted = typeof iss === 'string' ? issuers.find((i) => i.issuer === iss) : undefined;
  if (!trusted) throw refused("The assertion's issuer is not trusted", 'untrusted_issuer');
  return trusted;
}

export interface AssertionContext {
  readonly profile: AssertionProfile;
  /** The `aud` the issuer's assertions must carry (its `audience`, else this ISSUER). */
  readonly audience: string;
  /** The authenticated client presenting the assertion. */
  readonly clientId: string;
  /** Now, in seconds since the epoch. */
  readonly now: number;
}

/** An assertion whose claims hold, as far as the grant reads them. */
export interface CheckedAssertion {
  readonly profile: AssertionProfile;
  readonly sub: string;
  readonly jti: string;
  /** Its `exp`: the `jti` is remembered until then. */
  readonly exp: number;
  /** ID-JAG: the resource the access token is for. */
  readonly resource?: string;
  /** ID-JAG: the scopes the IdP allowed. */
  readonly scope?: string;
}

/**
 * RFC 7523 §3 and the ID-JAG profile, on a payload whose signature is already verified: `sub`,
 * a `jti` (required here: it is what makes the assertion single-use), `aud` naming this server,
 * `exp` in the future and not too far, `nbf`/`iat` not in the future; an ID-JAG also carries
 * `iat` and the `client_id` of the client presenting it. Every refusal is `invalid_grant`.
 */
export function checkAssertionClaims(
  payload: JWTPayload,
  context: AssertionContext,
): CheckedAssertion {
  const { sub, jti, exp, nbf, iat, aud } = payload;
  const { profile, now } = context;
  if (typeof sub !== 'string' || sub === '') throw refused('The assertion has no sub', 'claims');
  if (typeof jti !== 'string' || jti === '') throw refused('The assertion has no jti', 'claims');
  if (typeof exp !== 'number') throw refused('The assertion has no exp', 'claims');
  if (exp <= now - ASSERTION_CLOCK_SKEW_SECONDS) throw refused('The assertion expired', 'expired');
  if (exp > now + ASSERTION_MAX_LIFETIME_SECONDS) {
    throw refused(
      `The assertion must expire within ${ASSERTION_MAX_LIFETIME_SECONDS} s`,
      'too_long_lived',
    );
  }
  if (profile === 'id-jag' && typeof iat !== 'number') {
    throw refused('The assertion has no iat', 'claims');
  }
  for (const moment of [nbf, iat]) {
    if (
      moment !== undefined &&
      (typeof moment !== 'number' || moment > now + ASSERTION_CLOCK_SKEW_SECONDS)
    ) {
      throw refused('The assertion is not valid yet', 'not_yet_valid');
    }
  }
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(context.audience)) {
    throw refused('The assertion is for another audience', 'wrong_audience');
  }
  const clientId = payload.client_id;
  if (profile === 'id-jag' && typeof clientId !== 'string') {
    throw refused('The assertion has no client_id', 'claims');
  }
  if (clientId !== undefined && clientId !== context.clientId) {
    throw refused('The assertion was issued to another client', 'client_mismatch');
  }
  const { resource, scope } = payload;
  if (resource !== undefined && typeof resource !== 'string') {
    throw refused('The assertion has a malformed resource', 'claims');
  }
  if (scope !== undefined && typeof scope !== 'string') {
    throw refused('The assertion has a malformed scope', 'claims');
  }
  return {
    profile,
    sub,
    jti,
    exp,
    ...(profile === 'id-jag' && resource !== undefined ? { resource } : {}),
    ...(profile === 'id-jag' && scope !== undefined ? { scope } : {}),
  };
}

/**
 * The scope of the access token: what the client asked (all that is available when it asked
 * nothing) within what the assertion allowed (an ID-JAG's `scope`), the issuer may yield (its
 * `scopes`) and the client may have. Nothing left is `invalid_scope`.
 */
export function grantedScope(
  requested: string | undefined,
  limits: {
    readonly asserted?: string;
    readonly issuer?: readonly string[];
    readonly client: readonly string[];
  },
): string {
  const words = (scope: string) => scope.split(' ').filter(Boolean);
  const within = (values: readonly string[], limit: readonly string[] | undefined) =>
    limit === undefined ? values : values.filter((value) => limit.includes(value));
  const asked = requested === undefined ? [...limits.client] : words(requested);
  let granted: readonly string[] = [...new Set(asked)].filter((value) =>
    limits.client.includes(value),
  );
  granted = within(granted, limits.asserted === undefined ? undefined : words(limits.asserted));
  granted = within(granted, limits.issuer);
  if (granted.length === 0) {
    throw new InvalidScope(
      'None of the requested scopes can be granted for this assertion',
    ).because('no_scope');
  }
  return granted.join(' ');
}

/**
 * The subject of the access token: the assertion's `sub` under its issuer, so that one issuer's
 * user can never be taken for another issuer's, nor for a local account (`jwt:` is no username
 * or CAIP-10 account id Proofgate makes): `jwt:<first 16 characters of the base64url SHA-256 of
 * the issuer>:<sub>`. Stable while the issuer's `iss` is.
 */
export function federatedSubject(issuer: string, sub: string): string {
  return `${FEDERATED_SUBJECT_PREFIX}${sha256Base64Url(issuer).slice(0, 16)}:${sub}`;
}
