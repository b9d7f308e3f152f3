import { duplicateMemberName, quotedMemberName } from '../platform/http/json-duplicate-names';

/**
 * The `claims` request parameter (OpenID Connect Core §5.5): a JSON object whose `id_token` and
 * `userinfo` members name the claims a client asks to be returned there, each `null` (asked for,
 * voluntary) or an object with `essential`, `value` or `values` (§5.5.1).
 *
 * What Proofgate has to give: the ID token's own claims (`sub`, `auth_time`, `acr`, `amr`, ...,
 * always present), and the claims about the user of USER_CLAIMS_BY_SCOPE, each of which may be
 * asked for one by one, without the scope that releases it (§5.5); other claims are ignored, as
 * Core §5.5 asks of members not understood; not returning a claim is never an error, essential or
 * not (§5.5.1).
 */

/**
 * The claims about the user an account can fill, by the scope that releases them: the one
 * catalogue `claims_supported`, the `claims` parameter, the consent screen's words and an
 * account's profile values are read from, so that a claim added here is honoured by all of them
 * (or the compiler names what is missing).
 *
 * - `profile` (Core §5.4): the account's username as `name` and `preferred_username`, and
 *   `updated_at`;
 * - `email` (Core §5.4): an account's address, verified by construction (an email method is added
 *   only by its code), so `email_verified` is true;
 * - `identity`: the names and date of birth an identity credential disclosed (OpenID4VP sign-in);
 *   `age`: only that the person is over 18, so a client can check age without learning who.
 *   Neither comes from anything but a presentation's disclosures.
 */
const USER_CLAIMS_BY_SCOPE = {
  profile: ['name', 'preferred_username', 'updated_at'],
  email: ['email', 'email_verified'],
  identity: ['given_name', 'family_name', 'birthdate'],
  age: ['age_over_18'],
} as const;

/** A scope that releases claims about the user. */
export type ClaimScope = keyof typeof USER_CLAIMS_BY_SCOPE;
/** A claim about the user an account can fill (USER_CLAIMS_BY_SCOPE). */
export type UserClaim = (typeof USER_CLAIMS_BY_SCOPE)[ClaimScope][number];

/** Every claim about the user, in the catalogue's order. */
export const USER_CLAIMS: readonly UserClaim[] = Object.values(USER_CLAIMS_BY_SCOPE).flat();

/** The OpenID Connect `profile` claims (Core §5.4) an account can fill. */
export const PROFILE_CLAIMS = USER_CLAIMS_BY_SCOPE.profile;
/** OpenID Connect Core §5.4: the claims of the `email` scope. */
export const EMAIL_CLAIMS = USER_CLAIMS_BY_SCOPE.email;
export const IDENTITY_SCOPE = 'identity' satisfies ClaimScope;
export const AGE_SCOPE = 'age' satisfies ClaimScope;
export const IDENTITY_CLAIMS = USER_CLAIMS_BY_SCOPE.identity;
export const AGE_CLAIMS = USER_CLAIMS_BY_SCOPE.age;

/** The scope that releases `claim`. */
export function scopeOfClaim(claim: UserClaim): ClaimScope {
  return (Object.keys(USER_CLAIMS_BY_SCOPE) as ClaimScope[]).find((scope) =>
    (USER_CLAIMS_BY_SCOPE[scope] as readonly UserClaim[]).includes(claim),
  )!;
}

/** The claims the scope values `scopes` release (Core §5.4), in the catalogue's order. */
export function claimsReleasedBy(scopes: readonly string[]): UserClaim[] {
  return USER_CLAIMS.filter((claim) => scopes.includes(scopeOfClaim(claim)));
}

/** Whether `name` is a claim about the user (USER_CLAIMS). */
export function isUserClaim(name: string): name is UserClaim {
  return (USER_CLAIMS as readonly string[]).includes(name);
}

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
  /** The claims about the user asked for in the ID token (`id_token` member). */
  readonly idToken: readonly UserClaim[];
  /** The claims about the user asked for at the UserInfo endpoint (`userinfo` member). */
  readonly userinfo: readonly UserClaim[];
  /** The ID token's `acr`, when asked for (§5.5.1.1). */
  readonly acr?: AcrClaimRequest;
  /**
   * The `sub` the ID token must have (§5.5.1: `"sub": {"value": …}` in `id_token`): a positive
   * answer only for that user.
   */
  readonly sub?: string;
}

/** The claims about the user the `claims` request of a code names, per place. */
export interface RequestedClaims {
  readonly id_token?: readonly UserClaim[];
  readonly userinfo?: readonly UserClaim[];
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
  // Parsed, it would keep the last of the two silently (I-JSON, RFC 7493 §2.3).
  const repeated = duplicateMemberName(parameter);
  if (repeated !== undefined) return refuse(`names member ${quotedMemberName(repeated)} twice`);
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
      idToken: userClaimsOf(idToken),
      userinfo: members.userinfo === undefined ? [] : userClaimsOf(members.userinfo),
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

function userClaimsOf(claims: Record<string, ClaimRequest>): UserClaim[] {
  return USER_CLAIMS.filter((name) => Object.hasOwn(claims, name));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(problem: string): Parsed {
  return { ok: false, problem: `claims ${problem}` };
}

/** The claims whose values are not strings (Core §5.1), and their types. */
interface NonStringClaimValues {
  /** Core §5.1: seconds since the epoch. */
  readonly updated_at: number;
  readonly email_verified: boolean;
  readonly age_over_18: boolean;
}

/** An account's claims about the user, as far as it has them (Core §5.1). */
export type ProfileClaimValues = {
  readonly [Claim in UserClaim]?: Claim extends keyof NonStringClaimValues
    ? NonStringClaimValues[Claim]
    : string;
};

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
