import { PROOFGATE_ACR_ORDER, meetsAcr as meetsInOrder } from '@proofgate/resource-server/acr';
import { DEVICE_CODE_GRANT_TYPE } from './grant-types';
import type { AcrClaimRequest } from './claims-request';
/**
 * Authentication Context Class References (OpenID Connect Core §2 `acr`, RFC 9470 `acr_values`):
 * the OpenID Enterprise Extensions Profile's (EAP 1.0 §5.1.1) `phr`, and below it Proofgate's own
 * `urn:proofgate:acr:1fa`.
 *
 * `phr` (phishing-resistant): a passkey sign-in. WebAuthn binds the assertion to the RP ID, so a
 * site that relays the ceremony cannot obtain one valid here; a password can be typed into a
 * look-alike page, and a wallet signs whatever domain the (possibly phished) page puts in the
 * message, so neither is phishing-resistant. User verification is not needed: EAP's `phr` is
 * about phishing, not about a second factor (that is `amr` `user`).
 *
 * `urn:proofgate:acr:1fa` (SIGNED_IN): a sign-in here by any one of the methods the login page
 * offers (a password, a wallet signature, a passkey), nothing more; it makes no claim about
 * phishing. EAP defines no weaker class than `phr`, and OpenID Connect Core §2's `0` ("no
 * confidence that the same person is actually there") would say less than a sign-in made for
 * this very request. A value of the issuer's own naming, as Okta (`urn:okta:loa:1fa:any`) and
 * others pair theirs with EAP's: Core §5.5.1.1 asks the OP to say the `acr` it did achieve when a
 * voluntary request for a stronger one was not met, and a client asking for every value of
 * `acr_values_supported` gets one of them back whatever the user signed in with.
 *
 * `phrh` (phishing-resistant, hardware-protected, EAP 1.0 §5.1.2): a sign-in with a passkey proven
 * hardware-bound at registration, its attestation statement verified and chained to the operator's
 * trust list, its backup-eligible flag clear (a key that cannot be synced off the authenticator).
 * It meets a `phr` requirement; a `phr` sign-in never meets a `phrh` one.
 *
 * What a sign-in by each method achieves is a fact of its proof, declared in its descriptor
 * (`acr` of src/proofs/proof-descriptor.ts, read from the registry): these rules only order the
 * values and compare them.
 *
 * A grant that no sign-in here opened carries no `acr` (a client's own token, a device grant:
 * RFC 8628 §5.4), nor does a session or grant from before `acr` was recorded.
 */
/**
 * The values `acr_values_supported` lists, weakest first: each meets itself and those before.
 * The resource-server package's table (packages/resource-server/src/acr.ts), so that an API it
 * guards orders a token's `acr` as the service orders a sign-in's: one order, not two.
 */
export const SUPPORTED_ACR_VALUES = PROOFGATE_ACR_ORDER;
export const [SIGNED_IN, PHISHING_RESISTANT, PHISHING_RESISTANT_HARDWARE] = SUPPORTED_ACR_VALUES;
export type AcrValue = (typeof SUPPORTED_ACR_VALUES)[number];

export function isAcrValue(value: unknown): value is AcrValue {
  return (SUPPORTED_ACR_VALUES as readonly unknown[]).includes(value);
}

/**
 * The values an operator's minimum (ACR_REQUIRED_BY_SCOPE, ACR_REQUIRED_BY_RESOURCE,
 * ACCOUNT_CHANGES_REQUIRE_PHR) may name: `phr`, `phrh`. A minimum of `urn:proofgate:acr:1fa`
 * would ask nothing of a user's sign-in and only refuse the tokens no sign-in here opened (a
 * client's own, a device grant's).
 */
export const MINIMUM_ACR_VALUES = [PHISHING_RESISTANT, PHISHING_RESISTANT_HARDWARE] as const;
export type MinimumAcr = (typeof MINIMUM_ACR_VALUES)[number];

export function isMinimumAcr(value: unknown): value is MinimumAcr {
  return (MINIMUM_ACR_VALUES as readonly unknown[]).includes(value);
}

/**
 * What a sign-in by one method achieves, as its proof declares it (the descriptor's `acr`, from
 * the registry): a passkey `phr`, and `phrh` with a key proven hardware-bound; the others
 * `urn:proofgate:acr:1fa`.
 */
export interface SignInAcr {
  readonly achieves: AcrValue;
  /** What it achieves when its key was proven hardware-bound (a verified attestation). */
  readonly hardwareBound?: AcrValue;
}

/** What a method no proof declares achieves: a sign-in here, nothing more. */
export const ANY_SIGN_IN: SignInAcr = { achieves: SIGNED_IN };

/** The `acr` one sign-in achieves: its method's, raised where its key was proven hardware-bound. */
export function acrOfAuthentication(
  method: SignInAcr,
  { hardwareBound = false }: { readonly hardwareBound?: boolean } = {},
): AcrValue {
  return hardwareBound ? (method.hardwareBound ?? method.achieves) : method.achieves;
}

/** The strongest `acr` a sign-in by the method can achieve (what a step-up page may offer it for). */
export function bestAcrOf(method: SignInAcr): AcrValue {
  return method.hardwareBound ?? method.achieves;
}

/**
 * Whether an achieved `acr` (absent: none) meets `required` (absent: no requirement): the one
 * comparison of the service (`phrh` meets `phr`, never the reverse), for every caller that holds
 * an `acr` to a requirement (authorization requests, token minimums, account changes, admin tokens),
 * and the resource-server package's (`meetsAcr` of packages/resource-server/src/acr.ts).
 */
export function meetsAcr(achieved: string | undefined, required: AcrValue | undefined): boolean {
  return required === undefined || meetsInOrder(achieved, required, SUPPORTED_ACR_VALUES);
}

/** The stronger of two requirements (absent: none). */
export function strongerAcr(
  a: AcrValue | undefined,
  b: AcrValue | undefined,
): AcrValue | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return SUPPORTED_ACR_VALUES.indexOf(a) >= SUPPORTED_ACR_VALUES.indexOf(b) ? a : b;
}

/** The operator's minimums (ACR_REQUIRED_BY_SCOPE, ACR_REQUIRED_BY_RESOURCE), as configured. */
export interface AcrMinimums {
  /** Scope value → the `acr` a token with it needs. */
  readonly acrRequiredByScope: Readonly<Record<string, AcrValue>>;
  /** RFC 8707 resource → the `acr` its tokens need. */
  readonly acrRequiredByResource: Readonly<Record<string, AcrValue>>;
}

/** A token, as far as its authentication context goes (RFC 9068 §2.2.1). */
export interface TokenAuthentication {
  /** Its resource (`aud`, RFC 8707). */
  readonly aud: string;
  /** Space-separated scope values. */
  readonly scope: string;
  /** The `acr` its user's sign-in achieved; absent: none (a client's own token has none). */
  readonly acr?: string;
  /**
   * The grant type its grant recorded, if any: a device grant's token meets no minimum, whatever
   * its `acr` says, since its user code can be phished (RFC 8628 §5.4).
   */
  readonly grantType?: string;
}

/** What a token lacks: the `acr` required, and whether its resource or which scopes ask it. */
export interface UnmetAcr {
  readonly acr: AcrValue;
  /** The resource's minimum is not met. */
  readonly byResource: boolean;
  /** The scope values whose minimum is not met. */
  readonly byScopes: readonly string[];
}

/**
 * RFC 9470 §3: the `acr` minimums a token must meet, the strongest of its resource's
 * (ACR_REQUIRED_BY_RESOURCE) and its scope values' (ACR_REQUIRED_BY_SCOPE); undefined when the
 * token's own `acr` meets them all (or nothing is required). The one rule for every token: the
 * resource server refuses a token that misses it, and every grant refuses to issue one
 * (/authorize and the device flow by asking for the sign-in that meets it first).
 */
export function unmetAcr(token: TokenAuthentication, minimums: AcrMinimums): UnmetAcr | undefined {
  const acr = acrMinimumOf(token, minimums);
  const achieved = token.grantType === DEVICE_CODE_GRANT_TYPE ? undefined : token.acr;
  if (acr === undefined || meetsAcr(achieved, acr)) return undefined;
  return {
    acr,
    byResource: !meetsAcr(achieved, minimumOf(minimums.acrRequiredByResource, token.aud)),
    byScopes: token.scope
      .split(' ')
      .filter((value) => !meetsAcr(achieved, minimumOf(minimums.acrRequiredByScope, value))),
  };
}

/** The strongest `acr` a token of this resource and scope needs, whatever its own; or none. */
export function acrMinimumOf(
  token: Pick<TokenAuthentication, 'aud' | 'scope'>,
  minimums: AcrMinimums,
): AcrValue | undefined {
  return token.scope
    .split(' ')
    .map((value) => minimumOf(minimums.acrRequiredByScope, value))
    .reduce<AcrValue | undefined>(
      (acc, value) => strongerAcr(acc, value),
      minimumOf(minimums.acrRequiredByResource, token.aud),
    );
}

/** `map[key]`, only when the operator set it (never an inherited property such as `toString`). */
function minimumOf(map: Readonly<Record<string, AcrValue>>, key: string): AcrValue | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/**
 * The `acr` a list of values asks for (`acr_values`, OpenID Connect Core §3.1.2.1: space-separated,
 * in order of preference; or an `acr` claim request's `values`): the weakest supported value it
 * lists, since any listed value satisfies the client. Values we do not support (another
 * profile's) are ignored; a list of only those asks for nothing we can give.
 */
export function acrRequestedBy(
  acrValues: string | readonly string[] | undefined,
): AcrValue | undefined {
  if (acrValues === undefined) return undefined;
  const listed = typeof acrValues === 'string' ? acrValues.split(' ') : acrValues;
  const supported = listed.filter(isAcrValue);
  if (supported.length === 0) return undefined;
  return supported.reduce((weakest, value) =>
    SUPPORTED_ACR_VALUES.indexOf(value) < SUPPORTED_ACR_VALUES.indexOf(weakest) ? value : weakest,
  );
}

/** What an authorization request asks of the login's `acr`: enforced, and voluntary. */
export interface RequestedAcr {
  /** Essential: no code without it (an `essential` `acr` claim request). */
  readonly essential?: AcrValue;
  /** Voluntary: offered, not enforced (`acr_values`, an `acr` claim request not essential). */
  readonly voluntary?: AcrValue;
}

/**
 * OpenID Connect Core §3.1.2.1 and §5.5.1.1: `acr_values` requests `acr` as a voluntary claim,
 * and so does an `acr` claim request that is not essential; only an essential one (`"essential":
 * true` in the `claims` parameter's `id_token` member) must be met, a failure to meet it being a
 * failed authentication. Essential without values asks for an `acr`, which any sign-in here
 * achieves. `unsatisfiable`: an essential request whose values are none we can issue.
 */
export function acrRequestOf(
  acrValues: string | undefined,
  claim: AcrClaimRequest | undefined,
): RequestedAcr | 'unsatisfiable' {
  const fromValues = acrRequestedBy(acrValues);
  if (claim === undefined) return fromValues === undefined ? {} : { voluntary: fromValues };
  const fromClaim = claim.values === undefined ? SIGNED_IN : acrRequestedBy(claim.values);
  if (claim.essential) {
    if (fromClaim === undefined) return 'unsatisfiable';
    return {
      essential: fromClaim,
      ...(fromValues === undefined || meetsAcr(fromClaim, fromValues)
        ? {}
        : { voluntary: fromValues }),
    };
  }
  const voluntary = strongerAcr(fromValues, claim.values === undefined ? undefined : fromClaim);
  return voluntary === undefined ? {} : { voluntary };
}

/** One of an account's sign-in methods, as far as the `acr` of a change to the account goes. */
export interface AccountChangeMethod {
  readonly type: string;
  readonly passkey?: { readonly hardwareBound?: boolean };
}

/**
 * The `acr` a change of an account's sign-in methods (adding or removing one, setting a password)
 * needs, at the operator's level (ACCOUNT_CHANGES_REQUIRE_PHR; absent: none): `phr` once the
 * account holds a passkey, so a phished password or wallet signature cannot add the attacker's way
 * in or remove the owner's passkey; at level `phrh`, `phrh` once it holds a hardware-bound
 * passkey (an account whose passkeys are all synced can still be changed with one of them). None
 * before (an account without a passkey has nothing phishing-resistant to sign in with).
 * docs/PASSKEYS-AND-ACCOUNTS.md.
 */
export function acrForAccountChange(
  methods: readonly AccountChangeMethod[],
  level: MinimumAcr | undefined,
): MinimumAcr | undefined {
  if (level === undefined) return undefined;
  const passkeys = methods.filter((method) => method.type === 'passkey');
  if (passkeys.length === 0) return undefined;
  const hardwareBound = passkeys.some((method) => method.passkey?.hardwareBound === true);
  return level === PHISHING_RESISTANT_HARDWARE && hardwareBound
    ? PHISHING_RESISTANT_HARDWARE
    : PHISHING_RESISTANT;
}
