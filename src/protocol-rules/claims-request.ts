/**
 * The `claims` request parameter (OpenID Connect Core §5.5): a JSON object whose `id_token` and
 * `userinfo` members name the claims a client asks to be returned there, each `null` (asked for,
 * voluntary) or an object with `essential`, `value` or `values` (§5.5.1).
 *
 * What Proofgate has to give: the ID token's own claims (`sub`, `auth_time`, `acr`, `amr`, ...,
 * always present), and the `profile` claims of §5.4 it can fill (PROFILE_CLAIMS). The `email`
 * claims come with the `email` scope (EMAIL_CLAIMS); other claims are ignored, as Core §5.5 asks
 * of members not understood; not returning a claim is never an error, essential or not (§5.5.1).
 */

/** The OpenID Connect `profile` claims (Core §5.4) an account can fill. */
export const PROFILE_CLAIMS = ['name', 'preferred_username', 'updated_at'] as const;
export type ProfileClaim = (typeof PROFILE_CLAIMS)[number];

/**
 * OpenID Connect Core §5.4: the claims of the `email` scope. An account's address is verified by
 * construction (an email method is added only by its code), so `email_verified` is true.
 */
export const EMAIL_CLAIMS = ['email', 'email_verified'] as const;
export type EmailClaim = (typeof EMAIL_CLAIMS)[number];
/**
 * Scope `identity`: the names and date of birth an identity credential disclosed (OpenID4VP
 * sign-in); scope `age`: only that the person is over 18, so a client can check age without
 * learning who. Neither comes from anything but a presentation's disclosures.
 */
export const IDENTITY_SCOPE = 'identity';
export const AGE_SCOPE = 'age';
export const IDENTITY_CLAIMS = ['given_name', 'family_name', 'birthdate'] as const;
export const AGE_CLAIMS = ['age_over_18'] as const;
export type CredentialClaim = (typeof IDENTITY_CLAIMS)[number] | (typeof AGE_CLAIMS)[number];
/** The claims about the user an account can fill: its profile's, its address's, its credential's. */
export type UserClaim = ProfileClaim | EmailClaim | CredentialClaim;

/** A `claims` parameter longer than this is refused: what it asks for is stored with the code. */
export const MAX_CLAIMS_PARAMETER_LENGTH = 4096;

/** What a `claims` parameter asks of the ID token's `acr` (Core §5.5.1.1). */
export interface AcrClaimRequest {
  /** Essential: the login must achieve one of `values` (or any `acr` when none are named). */
  readonly essential: boolean;
  /** `values`, or `[value]`; absent when the request names none. */
  readonly values?: readonly string[];
}

/** A `claims` parameter, as far as Proofgate can answer it. */
export interface ClaimsRequest {
  /** The profile claims asked for in the ID token (`id_token` member). */
  readonly idToken: readonly ProfileClaim[];
  /** The profile claims asked for at the UserInfo endpoint (`userinfo` member). */
  readonly userinfo: readonly ProfileClaim[];
  /** The ID token's `acr`, when asked for (§5.5.1.1). */
  readonly acr?: AcrClaimRequest;
  /**
   * The `sub` the ID token must have (§5.5.1: `"sub": {"value": …}` in `id_token`): a positive
   * answer only for that user.
   */
  readonly sub?: string;
}

/** The claims Proofgate puts in a profile, named by the `claims` request of a code. */
export interface RequestedProfileClaims {
  readonly id_token?: readonly ProfileClaim[];
  readonly userinfo?: readonly ProfileClaim[];
}

type Parsed = { ok: true; request: ClaimsRequest } | { ok: false; problem: string };

/**
 * Core §5.5: the `claims` parameter parsed, or why it is malformed (`invalid_request`): not a
 * JSON object, a member that is not an object, a claim request that is neither `null` nor an
 * object, an `essential` that is not a boolean, `values` that are not an array. Unknown members
 * and claims are ignored.
 */
export function parseClaimsRequest(parameter: string): Parsed {
  if (parameter.length > MAX_CLAIMS_PARAMETER_LENGTH) {
    return refuse(`is longer than ${MAX_CLAIMS_PARAMETER_LENGTH} characters`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(parameter);
  } catch {
    return refuse('is not valid JSON');
  }
  if (!isObject(parsed)) return refuse('must be a JSON object');
  const members: Partial<Record<'id_token' | 'userinfo', Record<string, ClaimRequest>>> = {};
  for (const member of ['id_token', 'userinfo'] as const) {
    const value = parsed[member];
    if (value === undefined || value === null) continue;
    if (!isObject(value)) return refuse(`member ${member} must be a JSON object`);
    // No prototype: a claim named `__proto__` or `constructor` is only ever a name.
    const claims = Object.create(null) as Record<string, ClaimRequest>;
    for (const [name, request] of Object.entries(value)) {
      const checked = claimRequestOf(request);
      if (typeof checked === 'string') return refuse(`${member}.${name.slice(0, 32)} ${checked}`);
      claims[name] = checked;
    }
    members[member] = claims;
  }
  const idToken = members.id_token ?? (Object.create(null) as Record<string, ClaimRequest>);
  const acr = Object.hasOwn(idToken, 'acr') ? acrRequestOf(idToken.acr) : undefined;
  if (acr === 'malformed') return refuse('id_token.acr values must be strings');
  const sub = Object.hasOwn(idToken, 'sub') ? idToken.sub.value : undefined;
  if (sub !== undefined && typeof sub !== 'string') {
    return refuse('id_token.sub value must be a string');
  }
  return {
    ok: true,
    request: {
      idToken: profileClaimsOf(idToken),
      userinfo: members.userinfo === undefined ? [] : profileClaimsOf(members.userinfo),
      ...(acr === undefined ? {} : { acr }),
      ...(sub === undefined ? {} : { sub }),
    },
  };
}

/** Core §5.5.1: an individual claim's request, once checked. */
interface ClaimRequest {
  readonly essential?: boolean;
  readonly value?: unknown;
  readonly values?: readonly unknown[];
}

/** The claim request, or why it is malformed. */
function claimRequestOf(request: unknown): ClaimRequest | string {
  if (request === null) return {};
  if (!isObject(request)) return 'must be null or a JSON object';
  const { essential, value, values } = request;
  if (essential !== undefined && typeof essential !== 'boolean') {
    return 'essential must be true or false';
  }
  if (values !== undefined && !Array.isArray(values)) return 'values must be an array';
  return {
    ...(essential === undefined ? {} : { essential }),
    ...(value === undefined ? {} : { value }),
    ...(values === undefined ? {} : { values: values as unknown[] }),
  };
}

function acrRequestOf({ essential, value, values }: ClaimRequest): AcrClaimRequest | 'malformed' {
  const named = values ?? (value === undefined ? undefined : [value]);
  if (named === undefined) return { essential: essential === true };
  const strings = named.filter((item): item is string => typeof item === 'string');
  if (strings.length !== named.length) return 'malformed';
  return { essential: essential === true, values: strings };
}

function profileClaimsOf(claims: Record<string, ClaimRequest>): ProfileClaim[] {
  return PROFILE_CLAIMS.filter((name) => Object.hasOwn(claims, name));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(problem: string): Parsed {
  return { ok: false, problem: `claims ${problem}` };
}

/** An account's profile and email claims, as far as it has them (Core §5.1). */
export interface ProfileClaimValues {
  readonly name?: string;
  readonly preferred_username?: string;
  /** Core §5.1: seconds since the epoch. */
  readonly updated_at?: number;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly given_name?: string;
  readonly family_name?: string;
  readonly birthdate?: string;
  readonly age_over_18?: boolean;
}

/** The claims of `profile` that `names` asks for (those it has). */
export function pickProfileClaims(
  profile: ProfileClaimValues,
  names: readonly UserClaim[],
): ProfileClaimValues {
  const picked: Record<string, string | number | boolean> = {};
  for (const name of names) {
    const value = profile[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}
