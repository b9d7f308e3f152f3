import type { JWTPayload } from 'jose';
import type { TrustedJwtIssuer } from '../../../../config/sections/jwt-bearer.config';
import { sha256Base64Url } from '../../../../platform/crypto/hashing';
import {
  isAssertionAudience,
  isWorkloadAudience,
} from '../../../../protocol-rules/assertion-audience';
import { isAcrValue } from '../../../../protocol-rules/acr';
import { FEDERATED_SUBJECT_PREFIX, WORKLOAD_SUBJECT_PREFIX } from '../../../../tokens/access-token';
import { ACCOUNT_SCOPE } from '../../../../tokens/scopes';
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
  /**
   * The issuer entry's `clients` (JWT_BEARER_ISSUERS): the clients that may present its workload
   * JWTs that name no client. Absent: a workload JWT must name the client itself.
   */
  readonly issuerClients?: readonly string[];
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
  /**
   * ID-JAG: the `acr` of the user's sign-in at the IdP (OpenID Connect Core §2), when it is one
   * Proofgate knows (protocol-rules/acr.ts); another profile's value is not carried.
   */
  readonly acr?: string;
}

/**
 * RFC 7523 §3 and the ID-JAG profile, on a payload whose signature is already verified: `sub`,
 * a `jti` (required here: it is what makes the assertion single-use), `aud` naming this server
 * as a single string (rfc7523bis, protocol-rules/assertion-audience.ts; a workload JWT's may be
 * an array of that one audience, as Kubernetes writes it), `exp` in the future and
 * not too far, `nbf`/`iat` not in the future; an ID-JAG also carries `iat` and the `client_id`
 * of the client presenting it. A workload JWT is bound to the presenting client too (a workload
 * identity is no bearer pass for any client the issuer's platform happens to trust): by its
 * `client_id` or `azp` naming it, or, when it names none, by the issuer entry's `clients`
 * listing it. Every refusal is `invalid_grant`.
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
  const audienceHolds =
    profile === 'workload'
      ? isWorkloadAudience(aud, context.audience)
      : isAssertionAudience(aud, context.audience);
  if (!audienceHolds) {
    throw refused(
      profile === 'workload'
        ? 'The assertion is for another audience (aud must name this server alone)'
        : 'The assertion is for another audience (aud must be one string naming this server)',
      'wrong_audience',
    );
  }
  checkPresenter(payload, context);
  const { resource, scope, acr } = payload;
  if (resource !== undefined && typeof resource !== 'string') {
    throw refused('The assertion has a malformed resource', 'claims');
  }
  if (scope !== undefined && typeof scope !== 'string') {
    throw refused('The assertion has a malformed scope', 'claims');
  }
  if (profile === 'id-jag' && acr !== undefined && typeof acr !== 'string') {
    throw refused('The assertion has a malformed acr', 'claims');
  }
  if (profile === 'workload') return { profile, sub, jti, exp };
  return {
    profile,
    sub,
    jti,
    exp,
    ...(resource !== undefined ? { resource } : {}),
    ...(scope !== undefined ? { scope } : {}),
    ...(isAcrValue(acr) ? { acr } : {}),
  };
}

/**
 * The assertion is the presenting client's. An ID-JAG names it in `client_id` (the ID-JAG
 * profile). A workload JWT's `client_id` and `azp` (OpenID Connect Core §2: the party the token
 * was issued to), when present, must name it; when it has neither, the issuer entry's `clients`
 * must list the client.
 */
function checkPresenter(payload: JWTPayload, context: AssertionContext): void {
  const named = [payload.client_id, ...(context.profile === 'workload' ? [payload.azp] : [])];
  if (context.profile === 'id-jag' && typeof payload.client_id !== 'string') {
    throw refused('The assertion has no client_id', 'claims');
  }
  if (named.some((value) => value !== undefined && value !== context.clientId)) {
    throw refused('The assertion was issued to another client', 'client_mismatch');
  }
  if (
    named.every((value) => value === undefined) &&
    !context.issuerClients?.includes(context.clientId)
  ) {
    throw refused(
      "The workload JWT names no client (client_id or azp), and its issuer's clients do not list this one",
      'client_unbound',
    );
  }
}

/**
 * The scope of the access token: what the client asked (all that is available when it asked
 * nothing) within what the assertion allowed (an ID-JAG's `scope`), the issuer may yield (its
 * `scopes`) and the client may have. `declared`: the token's API's own scopes (RESOURCE_SERVERS),
 * which the client may have too; asked for nothing, it gets those of them the assertion names, as
 * nothing but an assertion's `scope` asks for an API's scope unasked. `registered`: the client's
 * own registered scope (RFC 7591 §2), when it has one. Nothing left is `invalid_scope`; so is the
 * `account` scope asked for: an assertion never manages a Proofgate account (no token of this
 * grant has one).
 */
export function grantedScope(
  requested: string | undefined,
  limits: {
    readonly asserted?: string;
    readonly issuer?: readonly string[];
    readonly client: readonly string[];
    readonly declared?: readonly string[];
    readonly registered?: readonly string[];
  },
): string {
  const words = (scope: string) => scope.split(' ').filter(Boolean);
  const within = (values: readonly string[], limit: readonly string[] | undefined) =>
    limit === undefined ? values : values.filter((value) => limit.includes(value));
  const declared = limits.declared ?? [];
  const allowed = [...limits.client, ...declared];
  const asked =
    requested !== undefined
      ? words(requested)
      : limits.asserted === undefined
        ? [...limits.client]
        : allowed;
  if (asked.includes(ACCOUNT_SCOPE)) {
    throw new InvalidScope(
      `The ${ACCOUNT_SCOPE} scope is never granted for an assertion: its token has no account here`,
    ).because('account_scope');
  }
  let granted: readonly string[] = [...new Set(asked)].filter((value) => allowed.includes(value));
  granted = within(granted, limits.asserted === undefined ? undefined : words(limits.asserted));
  granted = within(granted, limits.issuer);
  granted = within(granted, limits.registered);
  if (granted.length === 0) {
    throw new InvalidScope(
      'None of the requested scopes can be granted for this assertion',
    ).because('no_scope');
  }
  return granted.join(' ');
}

/**
 * The subject of the access token: the assertion's `sub` under its issuer and its kind, so that
 * one issuer's user can never be taken for another issuer's, nor for a local account, nor a
 * workload for a person: `<kind>:<first 16 characters of the base64url SHA-256 of the
 * issuer>:<sub>`, the kind `jwt` for a user (an ID-JAG) and `wl` for a workload (a workload JWT).
 * Disjoint by construction: the two prefixes differ in their first characters, and neither is a
 * username (no `:`), a CAIP-10 account id (a namespace of 3 to 8 characters, and no chain is
 * `jwt`), or a client_id (an operator's has no `:`, a dynamic one starts `dcr_`, a metadata
 * document's is an https URL). Stable while the issuer's `iss` is. docs/CLIENTS.md.
 */
export function federatedSubject(issuer: string, sub: string): string {
  return underIssuer(FEDERATED_SUBJECT_PREFIX, issuer, sub);
}

/** A workload's subject: `wl:<issuer key>:<sub>`, never equal to any user's (see above). */
export function workloadSubject(issuer: string, sub: string): string {
  return underIssuer(WORKLOAD_SUBJECT_PREFIX, issuer, sub);
}

/** The token's subject for an assertion of this profile. */
export function assertedSubject(profile: AssertionProfile, issuer: string, sub: string): string {
  return profile === 'id-jag' ? federatedSubject(issuer, sub) : workloadSubject(issuer, sub);
}

function underIssuer(prefix: string, issuer: string, sub: string): string {
  return `${prefix}${sha256Base64Url(issuer).slice(0, 16)}:${sub}`;
}
