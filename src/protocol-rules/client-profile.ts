/**
 * Client profiles: a named set of rules an operator gives one client (`"profile"` in
 * OAUTH_CLIENTS, `--profile` of `proofgate-admin clients add`), enforced when the client is
 * registered and on each of its requests, whatever the server-wide settings say.
 *
 * `fapi2`: the authorization server's side of the FAPI 2.0 Security Profile (final), for that
 * client:
 * - §5.3.2.1-3, -6: a confidential client, authenticated with `private_key_jwt` (mTLS, the
 *   other method the profile allows, Proofgate does not offer): refused at registration otherwise;
 * - §5.3.2.1-4, -5: sender-constrained access tokens, by DPoP: a token request without a proof
 *   is refused (no bearer token is ever issued to it);
 * - §5.3.2.2-3: authorization requests only through PAR (RFC 9126);
 * - §5.3.2.1-11: authorization codes of at most 60 seconds;
 * - §5.4.1-1: client assertions and DPoP proofs signed with PS256, ES256 or EdDSA (Ed25519)
 *   only: RS256 is refused (`invalid_client`, `invalid_dpop_proof`);
 * - and what every client gets here anyway: PKCE with S256 (§5.3.2.2-5), `iss` in the
 *   authorization response (§5.3.2.2-7, RFC 9207), the issuer as the assertion `aud` (§5.3.2.1-8).
 */

/** The profiles a client may be given. */
export const CLIENT_PROFILES = ['fapi2'] as const;
export type ClientProfile = (typeof CLIENT_PROFILES)[number];

/**
 * FAPI 2.0 §5.4.1-1: `PS256`, `ES256`, or `EdDSA` using Ed25519; `Ed25519` is the fully-specified
 * name of the same algorithm (RFC 9864), which the profile's note admits.
 */
export const FAPI2_SIGNING_ALGS: readonly string[] = ['PS256', 'ES256', 'EdDSA', 'Ed25519'];

/** FAPI 2.0 §5.3.2.1-11: "shall issue authorization codes with a maximum lifetime of 60 seconds". */
export const FAPI2_MAX_CODE_LIFETIME_SECONDS = 60;

/** What the profile rules read of a client. */
export interface ProfiledClient {
  readonly profile?: ClientProfile;
  readonly requirePkce?: boolean;
  readonly requirePushedAuthorizationRequests?: boolean;
  readonly dpopBoundAccessTokens?: boolean;
}

export function isClientProfile(value: unknown): value is ClientProfile {
  return (CLIENT_PROFILES as readonly unknown[]).includes(value);
}

/** RFC 9126 §6, or the client's profile (FAPI 2.0 §5.3.2.2-3): /authorize only with a request_uri. */
export function requiresPushedRequests(client: ProfiledClient): boolean {
  return client.requirePushedAuthorizationRequests === true || client.profile === 'fapi2';
}

/** RFC 9449 §5.2, or the client's profile (FAPI 2.0 §5.3.2.1-4): every token request with a proof. */
export function requiresDpop(client: ProfiledClient): boolean {
  return client.dpopBoundAccessTokens === true || client.profile === 'fapi2';
}

/**
 * The JWS algorithms the client's assertions and DPoP proofs may use, when its profile narrows
 * the server's (FAPI 2.0 §5.4.1-1); undefined when it does not.
 */
export function profileSigningAlgs(client: ProfiledClient): readonly string[] | undefined {
  return client.profile === 'fapi2' ? FAPI2_SIGNING_ALGS : undefined;
}

/** How long the client's authorization codes live: the setting, capped by its profile. */
export function codeLifetimeSeconds(client: ProfiledClient, configured: number): number {
  return client.profile === 'fapi2'
    ? Math.min(configured, FAPI2_MAX_CODE_LIFETIME_SECONDS)
    : configured;
}

/** A client as registration describes it, for the profile's registration rules. */
export interface ProfileCandidate {
  readonly hasSecret: boolean;
  /** private_key_jwt: a JWK Set or a jwks_uri. */
  readonly hasKeys: boolean;
  /** The registered public keys (a JWK Set's `keys`), when given inline. */
  readonly keys?: ReadonlyArray<Record<string, unknown>>;
  /** The flags the profile implies, as given (an explicit `false` contradicts it). */
  readonly dpopBoundAccessTokens?: boolean;
  readonly requirePushedAuthorizationRequests?: boolean;
  /** `require_pkce`, as given: the profile needs PKCE (FAPI 2.0 §5.3.2.2-5). */
  readonly requirePkce?: boolean;
  /** `request_object_signing_alg`, as given: the profile narrows it as it does the keys'. */
  readonly requestObjectSigningAlg?: unknown;
}

/**
 * Why a client cannot have `profile`, or undefined. `fapi2`: a confidential client with
 * private_key_jwt keys, no secret (FAPI 2.0 §5.3.2.1-3, -6); its inline keys and its request
 * objects' algorithm are none the profile forbids (§5.4.1-1); the flags it implies are not off.
 */
export function clientProfileProblem(
  profile: unknown,
  client: ProfileCandidate,
): string | undefined {
  if (!isClientProfile(profile)) {
    return `must be one of ${CLIENT_PROFILES.map((name) => `"${name}"`).join(', ')}`;
  }
  if (!client.hasKeys || client.hasSecret) {
    return (
      `"fapi2" is for confidential clients authenticating with private_key_jwt (jwks or jwks_uri), ` +
      `${client.hasSecret ? 'not a client_secret' : 'not a public client'} (FAPI 2.0 §5.3.2.1-3, -6)`
    );
  }
  for (const [index, key] of (client.keys ?? []).entries()) {
    // The key set's rules (client-jwks.ts) made a declared `alg` a string of CLIENT_ASSERTION_ALGS.
    const alg = key.alg;
    if (typeof alg === 'string' && !FAPI2_SIGNING_ALGS.includes(alg)) {
      return `"fapi2" allows keys for ${FAPI2_SIGNING_ALGS.join(', ')} only, and jwks keys[${index}] is for ${alg} (FAPI 2.0 §5.4.1)`;
    }
  }
  // Its request objects would all be refused: the verifier holds them to the profile's algorithms.
  const requestAlg = client.requestObjectSigningAlg;
  if (typeof requestAlg === 'string' && !FAPI2_SIGNING_ALGS.includes(requestAlg)) {
    return `"fapi2" allows request_object_signing_alg ${FAPI2_SIGNING_ALGS.join(', ')} only, not ${requestAlg} (FAPI 2.0 §5.4.1)`;
  }
  if (
    client.dpopBoundAccessTokens === false ||
    client.requirePushedAuthorizationRequests === false
  ) {
    return '"fapi2" requires DPoP-bound access tokens and pushed authorization requests: leave dpop_bound_access_tokens and require_pushed_authorization_requests out, or true';
  }
  if (client.requirePkce === false) {
    return '"fapi2" requires PKCE (FAPI 2.0 §5.3.2.2-5): leave require_pkce out, or true';
  }
  return undefined;
}
