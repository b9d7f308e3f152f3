/**
 * The words every proof is named by, on the ground floor: what the challenge store keeps, what a
 * login says it was, and which proofs the comparison lists. Each proof describes itself in a
 * descriptor in its own folder (`*.proof.ts`, typed by ./proof-descriptor.ts), and
 * src/proof-registry.ts lists them all: a word added here without a descriptor does not compile.
 */

/**
 * The kinds of short-lived, single-use challenge the login models and the proofs of possession
 * keep: a DPoP proof's `jti` (RFC 9449 §11.1: seen once per proof lifetime) and a pushed
 * authorization request's `request_uri` (RFC 9126 §2.2: one use, bound to its client). Stored in
 * the database: a value never changes.
 */
export const CHALLENGE_KINDS = [
  'authorization_code',
  'wallet_nonce',
  // WebAuthn Level 3 §13.4.3: each ceremony's challenge, of its own kind, so one ceremony's
  // challenge never completes the other.
  'webauthn_registration',
  'webauthn_authentication',
  'siws_nonce',
  'dpop_jti',
  'par_request_uri',
  'siwb_nonce',
  // RFC 8628 §3.2: a device authorization, under its device code (what the client polls with)
  // and under its user code (what the user types on the verification page).
  'device_code',
  'device_user_code',
  // RFC 7523 §3: a client assertion's `jti`, seen once while the assertion could be accepted.
  'client_assertion_jti',
  // RFC 7523 §3 for the JWT-bearer grant: an issuer's assertion `jti`, seen once until it expires.
  'jwt_bearer_jti',
  // OpenID Connect Core §3.1.2.1 `prompt=login` / `max_age`: the browser was sent to sign in for
  // this very authorization request; redeemed once by /authorize on the way back.
  'sign_in_marker',
  // OpenID Connect Core §3.1.2.1 (a POSTed request) and RFC 9101 (a request object): the checked
  // authorization request, held while the user signs in and consents; redeemed with the code.
  'authorization_request',
  // RFC 6749 §2.3.1: a client secret presented. Nothing is stored under this kind (a secret is
  // checked against its hash); it names the presentations in the comparison's figures.
  'client_secret',
  // An email sign-in or link code and its link's token, one challenge per browser (or account),
  // bound to it and to the address.
  'email_code',
  // RFC 6749 §10.12, RFC 7636 and OpenID Connect Core §3.1.2.1: a sign-in at an upstream
  // provider, its `state` the key, its `nonce` and PKCE verifier kept with it; redeemed once at
  // the callback, by the browser that started it.
  'upstream_state',
  // OpenID4VP 1.0 §5, §8.2: an identity wallet's presentation request, under its id (what the
  // page or script polls with); its `state` (the wallet's answer is redeemed under it once,
  // atomically, after every check); and the same-device `response_code` the wallet's redirect
  // carries back to the browser that started it; for the account page's request, the link code
  // it carries instead, redeemed once by a browser signed in to the account it links to.
  'oid4vp_request',
  'oid4vp_state',
  'oid4vp_response_code',
  'oid4vp_link_code',
  // CIBA Core 1.0 §7.3: a backchannel authentication request, under its `auth_req_id` (what the
  // client polls with); the person approves or denies it on /account/approvals.
  'ciba_request',
  // Issue #51: a person's proof over one exact backchannel request (a passkey assertion, a wallet
  // signature), bound to the request's canonical hash, the account and the method; spent once.
  'ciba_approval',
] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

/** How a user logged in: a session's, a grant's and a token's `auth_method`. */
export const AUTH_METHODS = [
  'password',
  'siwe',
  'passkey',
  'siws',
  'siwb',
  'email',
  'upstream',
  'oid4vp',
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** A wallet chain's method, named after its Sign-In-With-<chain>: `siwe`, `siws`, ... */
export type WalletMethod = Extract<AuthMethod, `siw${string}`>;
export function isWalletMethod(method: AuthMethod): method is WalletMethod {
  return method.startsWith('siw');
}

/**
 * RFC 8176 `amr` values. A password is `pwd`. RFC 8176's registry has no value for Sign-In with
 * Ethereum: the nearest, `pop` (proof of possession of a key), `swk` and `hwk` (software- or
 * hardware-secured key), would each claim more or less than we know (we cannot tell where the
 * wallet keeps its key) and would hide from the client that the user is an Ethereum account.
 * RFC 8176 §2 lets other values be used, so a wallet login says `siwe`, after EIP-4361's name,
 * a Solana one `siws`, after Sign In With Solana's, and a Bitcoin one `siwb`.
 */
export const AMR: Readonly<Record<AuthMethod, readonly string[]>> = {
  password: ['pwd'],
  siwe: ['siwe'],
  // IANA AMR registry `pop`: possession of a key, hardware or software unspecified (never `hwk`
  // or `swk` without a verified attestation); `user` is added per login when the authenticator
  // verified the user (see passkeyAmr).
  passkey: ['pop'],
  siws: ['siws'],
  siwb: ['siwb'],
  // RFC 8176 `otp`: a one-time password, which a code sent by email is. Not `mca`, `sms` or any
  // value that claims more: whoever reads the inbox, or is shown the code by a phishing page that
  // relays it, signs in, so it is never phishing-resistant (its `acr` is never `phr`).
  email: ['otp'],
  // A sign-in at another identity provider: `fed` (federated), the value Microsoft Entra ID gives
  // such sign-ins (not in RFC 8176's registry; §2 lets other values be used). The provider's own
  // `amr` is never repeated: this server did not see those methods, only the provider's word.
  upstream: ['fed'],
  // IANA AMR registry `pop`: the key-binding JWT proves possession of the key the credential is
  // bound to (`cnf.jwk`). Never `hwk` or `swk`: only a verified wallet attestation would say
  // where that key is held.
  oid4vp: ['pop'],
};

/**
 * The types of sign-in method an account holds (accounts/account.ts): every wallet, whatever its
 * chain, is a `wallet` (its key a CAIP-10 account id), so a new chain adds no type; every
 * upstream provider's account is an `upstream` (`upstream:<provider>:<sub>`); every identity
 * credential presented from a wallet (OpenID4VP) a `credential` (`credential:<hash>`).
 */
export const METHOD_TYPES = [
  'password',
  'wallet',
  'passkey',
  'email',
  'upstream',
  'credential',
] as const;
export type MethodType = (typeof METHOD_TYPES)[number];

/**
 * The challenge models compared: the login models, PKCE (authorization codes), SIWE (Ethereum
 * wallet nonces), passkeys (WebAuthn challenges), SIWS (Solana wallet nonces) and SIWB (Bitcoin
 * wallet nonces), the device authorization grant (RFC 8628 device codes), email codes, a sign-in at
 * an upstream identity provider (its `state`, `nonce` and PKCE verifier), and the proofs
 * of possession that guard what a login yields, DPoP (proof `jti`s, RFC 9449) and PAR
 * (`request_uri`s, RFC 9126), a client's own proof, a client secret (RFC 6749 §2.3.1, nothing
 * stored) or private_key_jwt (assertion `jti`s, RFC 7523), and a trusted issuer's assertion presented by a client, the JWT-bearer grant (its
 * `jti`s, RFC 7523 §2.1). The order is the order of GET /challenge-models; an id is the
 * `model` label of the metrics.
 */
export const MODEL_IDS = [
  'pkce',
  'siwe',
  'passkey',
  'siws',
  'siwb',
  'device',
  'email',
  'upstream',
  'oid4vp',
  'ciba',
] as const;
export const POSSESSION_MODEL_IDS = [
  'dpop',
  'par',
  'client_secret',
  'private_key_jwt',
  'jwt_bearer',
] as const;
export const ALL_MODEL_IDS: readonly ChallengeModel[] = [...MODEL_IDS, ...POSSESSION_MODEL_IDS];
export type LoginModel = (typeof MODEL_IDS)[number];
export type PossessionModel = (typeof POSSESSION_MODEL_IDS)[number];
export type ChallengeModel = LoginModel | PossessionModel;

/** Every proof with a descriptor: the login methods and the challenge models. */
export type ProofId = AuthMethod | ChallengeModel;
