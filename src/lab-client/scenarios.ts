/**
 * The attack lab: every attack of docs/CHALLENGE-MODELS.md (and of RFC 7636 / EIP-4361 /
 * CAIP-122) against the login models, through Proofgate's public HTTP API only: a client of the
 * service, importing none of its code. Run by the CLI (tools/lab) and, outside production, by
 * the service's /lab page.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChallengeModel } from '../proofs/proof-vocabulary';
import { StatedSeconds, policySeconds } from './challenge-policy';
import { LabStepFailed, Outcome, describeError } from './expectations';
import { CODE_OF_ANOTHER_CLIENT, DeviceLab } from './device-scenarios';
import { AUTH_REQ_ID_OF_ANOTHER_CLIENT, CibaLab, WIDENED_DETAILS } from './ciba-scenarios';
import { ClientAuthLab } from './client-auth-scenarios';
import { DpopLab } from './dpop-scenarios';
import { HttpClient, field } from './http';
import { Oid4vpLab } from './oid4vp-scenarios';
import { EXPIRED_REQUEST_URI, ParLab } from './par-scenarios';
import { PasskeyLab, recentLoginWindow } from './passkey-scenarios';
import { EXPIRED_CODE, PkceLab } from './pkce-scenarios';
import { EmailLab } from './email-scenarios';
import { RegistrationLab } from './registration-scenarios';
import { EXPIRED_NONCE, IssuedNonce, SiweLab } from './siwe-scenarios';
import {
  FOREIGN_ID_TOKEN_HINT,
  SessionLab,
  UNREGISTERED_POST_LOGOUT_URI,
} from './session-scenarios';
import { SiwbLab } from './siwb-scenarios';
import { SiwsLab } from './siws-scenarios';
import { UpstreamLab } from './upstream-scenarios';

/** A row's model: one of the challenge models GET /challenge-models compares. */
export type LabModel = ChallengeModel;

export interface LabRow {
  model: LabModel;
  scenario: string;
  /** What the spec requires, e.g. `400 invalid_grant "PKCE verification failed"`. */
  expected: string;
  /** What the service answered, in the same words. */
  answered: string;
  passed: boolean;
}

/** The run is about to wait for its expiry challenges: how long, and for which (the later). */
export interface LabWait {
  seconds: number;
  /** `login`: an account login ages past the recent-login window (the passkey row). */
  challenge: 'code' | 'nonce' | 'request_uri' | 'login';
}

/** A row of the run: its model and scenario. */
export interface LabScenario {
  model: LabModel;
  scenario: string;
}

/** A challenge the run waits to see expire (or a login to age), and the rows that wait for it. */
export interface LabPlannedWait extends StatedSeconds {
  challenge: LabWait['challenge'];
  /** The rows presented once it has expired, one second past `seconds` after it was issued. */
  rows: readonly LabScenario[];
}

/**
 * What a run will wait for, read from the service before its first row. The challenges are issued
 * at the start and the other rows run meanwhile, so the run takes at least its longest wait.
 */
export interface LabPlan {
  waits: readonly LabPlannedWait[];
  /** The longest wait, with the second each wait is given past its lifetime. */
  leastSeconds: number;
}

/** The rows that wait for a challenge to expire (or a login to age), by challenge. */
export const WAITING_ROWS: Readonly<Record<LabWait['challenge'], readonly LabScenario[]>> = {
  code: [
    { model: 'pkce', scenario: 'expired code' },
    // Past the refresh grace window: a token the refusal had rotated would count as reused.
    { model: 'pkce', scenario: 'refresh asking for more scope' },
  ],
  nonce: [{ model: 'siwe', scenario: 'expired nonce' }],
  request_uri: [{ model: 'par', scenario: 'expired request_uri' }],
  login: [{ model: 'passkey', scenario: 'registration without a fresh login' }],
};

export interface LabOptions {
  baseUrl: string;
  /**
   * Skips the rows of WAITING_ROWS, which wait for the service's real lifetimes (minutes with
   * its defaults): they are neither run nor recorded, and the run waits for nothing.
   */
  quick?: boolean;
  /** Called with the run's plan before its first row. */
  onPlan?: (plan: LabPlan) => void;
  /** Called as each row is decided, in the order of the run. */
  onRow?: (row: LabRow) => void;
  /** Called before the run waits out the challenge lifetimes (not when nothing is left to wait). */
  onWait?: (wait: LabWait) => void;
  /** Stops the run: requests in flight are aborted and the run rejects with the signal's reason. */
  signal?: AbortSignal;
}

export const RACE_CONCURRENCY = 50;

/** The settings' defaults (docs/CONFIGURATION.md), when GET /challenge-models/<model> cannot tell. */
const DEFAULT_LIFETIME_SECONDS: Record<LabModel, number> = {
  pkce: 60,
  siwe: 300,
  siws: 300,
  siwb: 300,
  passkey: 300,
  dpop: 70,
  par: 60,
  device: 600,
  client_secret: 0,
  private_key_jwt: 300,
  jwt_bearer: 3600,
  email: 600,
  upstream: 600,
  oid4vp: 300,
  ciba: 600,
};

type Lifetime = StatedSeconds;

/**
 * Runs every scenario once (with `quick`, all but WAITING_ROWS) and returns the rows (PKCE first,
 * then the expiry rows, the email rows last).
 */
export async function runLab({
  baseUrl,
  quick = false,
  onPlan,
  onRow,
  onWait,
  signal,
}: LabOptions): Promise<LabRow[]> {
  const rows: LabRow[] = [];
  const record = (model: LabModel, scenario: string, outcome: Outcome): void => {
    const row: LabRow = { model, scenario, ...outcome };
    rows.push(row);
    onRow?.(row);
  };
  const attempt = async (
    model: LabModel,
    scenario: string,
    expected: string,
    run: () => Promise<Outcome>,
  ): Promise<void> => {
    signal?.throwIfAborted();
    const outcome = await settle(expected, run);
    // A scenario cut short by the stop is no verdict on the service.
    signal?.throwIfAborted();
    record(model, scenario, outcome);
  };

  const http = new HttpClient(baseUrl, signal);
  const metadata = await http.get('/.well-known/oauth-authorization-server');
  const issuer = field(metadata.json, 'issuer');
  if (metadata.status !== 200 || !issuer) {
    throw new Error(`GET /.well-known/oauth-authorization-server answered ${metadata.status}`);
  }
  const pkce = new PkceLab(baseUrl, issuer, signal);
  const siwe = new SiweLab(baseUrl, signal);
  const siws = new SiwsLab(baseUrl, signal);
  const siwb = new SiwbLab(baseUrl, signal);
  /** Every wallet chain's lab: the attacks every chain shares run on each. */
  const walletLabs = [siwe, siws, siwb];
  const registration = new RegistrationLab(baseUrl, signal);
  const tokenEndpoint = field(metadata.json, 'token_endpoint') ?? `${issuer}/token`;
  const dpop = new DpopLab(baseUrl, issuer, tokenEndpoint, pkce, signal);
  const par = new ParLab(baseUrl, issuer, pkce, signal);
  const passkey = new PasskeyLab(baseUrl, issuer, signal);
  const oid4vp = new Oid4vpLab(baseUrl, signal);
  const device = DeviceLab.fromAnotherAddress(baseUrl, signal);
  const session = new SessionLab(baseUrl, issuer, signal);
  const machine = new ClientAuthLab(baseUrl, issuer, signal);
  const email = new EmailLab(baseUrl, signal);
  const upstream = new UpstreamLab(baseUrl, signal);

  const plan = await planOf(http);
  onPlan?.(plan);
  const planned = (challenge: LabWait['challenge']) =>
    plan.waits.find((wait) => wait.challenge === challenge)!;

  await attempt(
    'pkce',
    'normal login',
    'login 303; 302 with code, state, iss; /token 200; /api/me 200',
    () => pkce.normalLogin(),
  );

  // The expiry challenges are issued now and redeemed last, so the run waits once, for the
  // longest lifetime, while the other scenarios run. A quick run issues none.
  const expiring = quick
    ? undefined
    : {
        code: started(() => pkce.issueCode()),
        nonce: started(() => siwe.startExpiredNonce()),
        request: started(() => par.push()),
        login: started(() => passkey.accountLogin()),
      };
  const loginWindow = planned('login');
  const codeLifetime = planned('code');
  const nonceLifetime =
    expiring === undefined
      ? planned('nonce')
      : await lifetimeOf(http, 'siwe', async () => (await expiring.nonce).value?.issued);

  await attempt('pkce', 'stolen code, wrong verifier', '400 invalid_grant; owner then 200', () =>
    pkce.stolenCodeWrongVerifier(),
  );
  await attempt('pkce', 'stolen code, no verifier', '400 invalid_grant', () =>
    pkce.stolenCodeNoVerifier(),
  );
  await attempt('pkce', 'replayed code', '400 invalid_grant; first token 401', () =>
    pkce.replayedCode(),
  );
  await attempt(
    'pkce',
    'used code replayed by another client',
    "400 invalid_grant; owner's token 200",
    () => pkce.replayByOtherClient(),
  );
  const escalation = quick ? undefined : started(() => pkce.startEscalatedRefresh());
  await attempt('pkce', 'code_challenge_method=plain', '302 error=invalid_request', () =>
    pkce.plainMethod(),
  );
  await attempt('pkce', 'missing code_challenge', '302 error=invalid_request', () =>
    pkce.missingChallenge(),
  );
  await attempt('pkce', 'code redeemed by another client', '400 invalid_grant', () =>
    pkce.otherClient(),
  );
  await attempt('pkce', 'other redirect URI', '400 invalid_grant', () => pkce.otherRedirectUri());
  await attempt('pkce', 'redirect_uri bypass', '400 page, never a redirect', () =>
    pkce.redirectUriBypass(),
  );
  // Audience confusion (RFC 8707): tokens are for one resource, named at /authorize.
  await attempt('pkce', 'resource the client may not use', '302 error=invalid_target', () =>
    pkce.resourceNotAllowed(),
  );
  await attempt('pkce', 'token for another resource at /api/me', '401 invalid_token', () =>
    pkce.tokenForAnotherResource(),
  );
  // Registration abuse (RFC 7591): clients that register themselves get only what a client may.
  await attempt('pkce', 'registration: foreign http redirect URI', '400 invalid_redirect_uri', () =>
    registration.foreignRedirectUri(),
  );
  await attempt(
    'pkce',
    'registration: confidential without the initial access token',
    '400 invalid_client_metadata',
    () => registration.confidentialWithoutToken(),
  );
  await attempt('pkce', 'registration: wrong initial access token', '401 invalid_token', () =>
    registration.wrongInitialAccessToken(),
  );
  await attempt(
    'pkce',
    'registration: implicit grant (response_types token)',
    '400 invalid_client_metadata',
    () => registration.implicitResponseType(),
  );
  await attempt(
    'pkce',
    'registration: client_name with a right-to-left override',
    '400 invalid_client_metadata',
    () => registration.spoofedClientName(),
  );
  await attempt('pkce', `${RACE_CONCURRENCY} concurrent redemptions`, 'exactly one 200', () =>
    pkce.race(RACE_CONCURRENCY),
  );

  await attempt('siwe', 'normal login', '200; /api/me 200 siwe', () => siwe.normalLogin());
  await attempt('siwe', 'replayed signed message', '401 nonce_already_used', () =>
    siwe.replayedMessage(),
  );
  await attempt('siwe', 'nonce bound to another address', '401 invalid_nonce', () =>
    siwe.nonceBoundToAnotherAddress(),
  );
  await attempt('siwe', 'nonce for another chain', '401 invalid_nonce', () =>
    siwe.nonceForAnotherChain(),
  );
  await attempt('siwe', 'Issued At before the nonce', '401 invalid_nonce', () =>
    siwe.backdatedMessage(),
  );
  await attempt('siwe', 'wrong domain', '401 domain_mismatch', () => siwe.wrongDomain());
  await attempt('siwe', 'wrong chain', '400 chain_not_allowed', () => siwe.wrongChain());
  await attempt('siwe', 'tampered message', '401 invalid_signature', () => siwe.tamperedMessage());
  await attempt('siwe', 'signature from another key', '401 invalid_signature', () =>
    siwe.signatureFromAnotherKey(),
  );
  await attempt('siwe', `${RACE_CONCURRENCY} concurrent redemptions`, 'exactly one 200', () =>
    siwe.race(RACE_CONCURRENCY, nonceLifetime.seconds),
  );
  // #31: a signature is worth what it was asked for (audience and purpose, every field).
  const attackerAccount = async () => (await passkey.accountLogin()).accessToken;
  for (const lab of walletLabs) {
    const { model } = lab;
    await attempt(model, 'a dApp’s signature at the login page', '401 invalid_nonce', () =>
      lab.dappSignatureAtLoginPage(),
    );
    await attempt(model, 'a login page’s signature at /wallet/verify', '401 invalid_nonce', () =>
      lab.loginPageSignatureAtVerify(),
    );
    await attempt(model, 'a login signature linked to another account', '401 invalid_nonce', () =>
      lab.loginSignatureToLink(attackerAccount),
    );
    await attempt(model, 're-signed with another statement', '401 invalid_nonce', () =>
      lab.resignedWithAnotherStatement(),
    );
  }

  await attempt('siws', 'normal login', '200; /api/me 200 siws', () => siws.normalLogin());
  await attempt('siws', 'replayed signed message', '401 nonce_already_used', () =>
    siws.replayedMessage(),
  );
  await attempt('siws', 'nonce bound to another address', '401 invalid_nonce', () =>
    siws.nonceBoundToAnotherAddress(),
  );
  await attempt('siws', 'mainnet nonce in a devnet message', '401 invalid_nonce', () =>
    siws.nonceForAnotherCluster(),
  );
  await attempt('siws', 'multi-line statement', '400 invalid_message', () =>
    siws.multiLineStatement(),
  );
  await attempt('siws', 'tampered message', '401 invalid_signature', () => siws.tamperedMessage());
  await attempt('siws', 'signature from another key', '401 invalid_signature', () =>
    siws.signatureFromAnotherKey(),
  );

  // Sign in with Bitcoin: BIP-322 simple for segwit addresses, the legacy format for P2PKH.
  await attempt('siwb', 'normal login (P2WPKH, BIP-322)', '200; /api/me 200 siwb', () =>
    siwb.normalLogin(),
  );
  await attempt('siwb', 'taproot login (P2TR, BIP-322)', '/wallet/verify 200', () =>
    siwb.loginWith('p2tr'),
  );
  await attempt('siwb', 'legacy login (P2PKH, signmessage)', '/wallet/verify 200', () =>
    siwb.loginWith('p2pkh'),
  );
  await attempt('siwb', 'replayed signed message', '401 nonce_already_used', () =>
    siwb.replayedMessage(),
  );
  await attempt('siwb', 'nonce bound to another address', '401 invalid_nonce', () =>
    siwb.nonceBoundToAnotherAddress(),
  );
  await attempt('siwb', 'testnet address on mainnet', '400 invalid_request', () =>
    siwb.testnetAddressOnMainnet(),
  );
  await attempt('siwb', 'tampered message', '401 invalid_signature', () => siwb.tamperedMessage());
  await attempt('siwb', 'signature from another key', '401 invalid_signature', () =>
    siwb.signatureFromAnotherKey(),
  );
  await attempt('siwb', 'signature not base64', '400 invalid_request', () => siwb.hexSignature());

  // WebAuthn Level 3 ceremonies against the one challenge store, with the lab's authenticator.
  await attempt(
    'passkey',
    'normal login',
    'registration 201; sign-in 200; /api/me 200 passkey',
    () => passkey.normalLogin(),
  );
  await attempt('passkey', 'replayed assertion', '401 challenge_already_used', () =>
    passkey.replayedAssertion(),
  );
  await attempt('passkey', 'registration challenge used to sign in', '401 invalid_challenge', () =>
    passkey.registrationChallengeSignsIn(),
  );
  await attempt('passkey', 'assertion for another origin', '401 origin_mismatch', () =>
    passkey.wrongOrigin(),
  );
  await attempt('passkey', 'signature counter not moved forward', '401 counter_regression', () =>
    passkey.counterRegression(),
  );
  await attempt('passkey', 'removed passkey', 'DELETE 200; 401 unknown_credential', () =>
    passkey.removedPasskey(),
  );
  // Hardware-bound passkeys (phrh): what this instance states of them decides what a passkey
  // that is not one gets (GET /challenge-models/passkey, its variant's settings). Their logins
  // come from an address of their own, beside the run's login budget.
  const hardwareLab = PasskeyLab.fromAnotherAddress(baseUrl, issuer, signal);
  const hardware = await hardwareLab.hardwarePolicy();
  await attempt(
    'passkey',
    'synced passkey at a phrh request',
    `${hardware.source}: 302 to /login?acr_values=phrh, no code (or, where hardware is required, 400 untrusted_attestation)`,
    () => hardwareLab.syncedPasskeyAtPhrh(hardware),
  );
  await attempt(
    'passkey',
    'attestation from a root outside the trust list',
    `${hardware.source}: 400 untrusted_attestation where hardware is required, else 201 not hardware-bound`,
    () => hardwareLab.unlistedRootAttestation(hardware),
  );

  // Identity wallets (OpenID4VP 1.0): a presentation bound to its request's nonce and client_id,
  // its state redeemed once; the same-device response_code only by the browser that asked.
  await attempt(
    'oid4vp',
    'normal login',
    '/oid4vp/response 200; poll signed_in with tokens; /api/me 200 oid4vp',
    () => oid4vp.normalLogin(),
  );
  await attempt(
    'oid4vp',
    'replayed presentation',
    '400 invalid_request; the first sign-in stands',
    () => oid4vp.replayedPresentation(),
  );
  await attempt(
    'oid4vp',
    'key-binding JWT with another nonce',
    '400 invalid_presentation (nonce); the same request then 200',
    () => oid4vp.wrongNonce(),
  );
  await attempt(
    'oid4vp',
    'key-binding JWT for another verifier',
    '400 invalid_presentation (audience); the same request then 200',
    () => oid4vp.wrongAudience(),
  );
  await attempt(
    'oid4vp',
    'tampered disclosure',
    '400 invalid_presentation (disclosure); the same request then 200',
    () => oid4vp.tamperedDisclosure(),
  );
  await attempt(
    'oid4vp',
    'credential from an untrusted issuer',
    '400 invalid_presentation (issuer not trusted); the same request then 200',
    () => oid4vp.untrustedIssuer(),
  );
  await attempt(
    'oid4vp',
    'response_code from another browser',
    '400 invalid_request; the owner then 400 invalid_request',
    () => oid4vp.responseCodeFromAnotherBrowser(),
  );

  // DPoP (RFC 9449): proofs of possession for the tokens a login yields.
  await attempt(
    'dpop',
    'normal login',
    '/token 200 token_type DPoP, cnf.jkt of the key; /api/me with a proof 200',
    () => dpop.normalLogin(),
  );
  await attempt('dpop', 'replayed proof', '400 invalid_dpop_proof', () => dpop.replayedProof());
  await attempt('dpop', 'proof for another URL', '400 invalid_dpop_proof', () =>
    dpop.proofForAnotherUrl(),
  );
  await attempt('dpop', 'proof for another method', '400 invalid_dpop_proof', () =>
    dpop.proofForAnotherMethod(),
  );
  await attempt('dpop', 'bound token sent as a bearer token', '401 invalid_token', () =>
    dpop.boundTokenAsBearer(),
  );
  await attempt(
    'dpop',
    'refresh with another key',
    "400 invalid_grant; the owner's key then 200",
    () => dpop.refreshWithAnotherKey(),
  );
  const noncePolicy = dpop
    .noncePolicy()
    .catch((error: unknown) => ({ source: `GET /challenge-models failed: ${String(error)}` }));
  await attempt('dpop', 'missing nonce', 'as DPOP_REQUIRE_NONCE says', async () =>
    dpop.missingNonce(await noncePolicy),
  );
  await attempt('dpop', 'stale nonce', '400 use_dpop_nonce with a DPoP-Nonce', async () =>
    dpop.staleNonce(await noncePolicy),
  );

  // PAR (RFC 9126): the authorization request in the back channel, used once by its client.
  await attempt('par', 'normal login', '/par 201; 302 with code; /token 200', () =>
    par.normalLogin(),
  );
  await attempt('par', 'request_uri reused', '400 page invalid_request_uri', () => par.reused());
  await attempt('par', 'request_uri used by another client', '400 page invalid_request_uri', () =>
    par.usedByAnotherClient(),
  );
  await attempt('par', 'front-channel parameters changed', '302 to the pushed redirect_uri', () =>
    par.frontChannelTampering(),
  );

  // The login session: how it ends (OpenID Connect RP-Initiated Logout 1.0) and what it is worth
  // (RFC 9470 step-up: phr is met by a passkey sign-in only).
  await attempt(
    'pkce',
    'cross-site sign-out without an id_token_hint',
    '200 confirmation page; the session still authorizes',
    () => session.crossSiteSignOut(),
  );
  await attempt(
    'pkce',
    'post-logout redirect to an unregistered URI',
    `${describeError(UNREGISTERED_POST_LOGOUT_URI)}; no redirect`,
    () => session.unregisteredPostLogoutUri(),
  );
  await attempt(
    'pkce',
    'id_token_hint not issued here',
    `${describeError(FOREIGN_ID_TOKEN_HINT)}; no redirect`,
    () => session.foreignIdTokenHint(),
  );
  await attempt(
    'pkce',
    'refresh token after the session ended',
    '400 invalid_grant; its access token 401 at /api/me',
    () => session.refreshAfterLogout(),
  );
  await attempt(
    'passkey',
    'password session required to have phr (essential acr)',
    '302 to /login?acr_values=phr, no code',
    () => session.passwordSessionForPhr(),
  );
  await attempt(
    'passkey',
    'prompt=none with a session too weak for an essential phr',
    '302 with error=unmet_authentication_requirements, no code',
    () => session.promptNoneTooWeak(),
  );

  // Device authorization (RFC 8628): a CLI polls /token while its user answers the code at /device.
  await attempt(
    'device',
    'normal login',
    '/device lookup and approve; /token 200; /api/me 200 user0',
    () => device.normalLogin(),
  );
  await attempt(
    'device',
    'polled faster than interval',
    '400 authorization_pending; 400 slow_down',
    () => device.pollTooFast(),
  );
  await attempt(
    'device',
    'device code redeemed by another client',
    `${describeError(CODE_OF_ANOTHER_CLIENT)}; the owner then 200`,
    () => device.redeemedByAnotherClient(),
  );
  await attempt(
    'device',
    'approval replayed',
    '400 page "That code has already been answered."',
    () => device.approvalReplayed(),
  );
  await attempt(
    'device',
    'user code brute force',
    '429 after at most 20 codes from one account',
    () => device.userCodeBruteForce(),
  );

  // Sign-in at an upstream provider (the first the login page offers; none: no rows): each
  // callback refused before the provider is asked anything.
  const provider = await upstream.provider();
  if (provider !== undefined) {
    await attempt('upstream', 'forged state', '303 upstream_error=state_unknown', () =>
      upstream.forgedState(provider),
    );
    await attempt('upstream', 'callback replayed', '303 upstream_error=state_used', () =>
      upstream.replayedCallback(provider),
    );
    await attempt(
      'upstream',
      'callback in another browser',
      '303 upstream_error=other_browser',
      () => upstream.otherBrowser(provider),
    );
    await attempt('upstream', 'mix-up: another provider’s iss', '303 upstream_error=mix_up', () =>
      upstream.mixUp(provider),
    );
  }

  // Machine clients (RFC 7523, RFC 8693), as the seeded demo agent and demo client.
  await attempt(
    'private_key_jwt',
    'replayed client assertion',
    'first 200; 401 invalid_client',
    () => machine.replayedAssertion(),
  );
  await attempt('private_key_jwt', 'assertion for another audience', '401 invalid_client', () =>
    machine.wrongAudience(),
  );
  await attempt('jwt_bearer', 'assertion from an untrusted issuer', '400 invalid_grant', () =>
    machine.untrustedIssuer(),
  );
  await attempt(
    'client_secret',
    'HS256 assertion keyed with the client secret',
    '401 invalid_client',
    () => machine.hs256WithSecret(),
  );
  await attempt('private_key_jwt', 'scope escalation by token exchange', '400 invalid_scope', () =>
    machine.scopeEscalationByExchange(),
  );

  // CIBA (issue #51): the demo agent asks a wallet person, who approves by an EIP-712 signature
  // over the exact request; a signature is worth that request and that challenge only, an
  // auth_req_id its client's only, polled no faster than `interval`, and the details granted
  // may be narrowed by token exchange, never widened.
  const ciba = new CibaLab(baseUrl, machine, signal);
  await attempt(
    'ciba',
    'replayed approval signature',
    'approve 200; 401 invalid_signature; the same signature again 404',
    () => ciba.replayedSignature(),
  );
  await attempt('ciba', 'signature over other details', '401 invalid_signature', () =>
    ciba.signatureOverOtherDetails(),
  );
  await attempt(
    'ciba',
    'polled faster than interval',
    '400 authorization_pending; 400 slow_down; 400 slow_down, 5 seconds longer',
    () => ciba.pollTooFast(),
  );
  await attempt(
    'ciba',
    'auth_req_id of another client',
    `${describeError(AUTH_REQ_ID_OF_ANOTHER_CLIENT)} (pending, then approved); the owner then 200`,
    () => ciba.authReqIdOfAnotherClient(),
  );
  await attempt(
    'ciba',
    'widened token exchange',
    `${describeError(WIDENED_DETAILS)}; the granted details then 200`,
    () => ciba.widenedExchange(),
  );

  if (expiring !== undefined && escalation !== undefined) {
    const [code, nonce, pushed, login] = await Promise.all([
      expiring.code,
      expiring.nonce,
      expiring.request,
      expiring.login,
    ]);
    const requestLifetime = {
      seconds: pushed.value?.expiresIn ?? 0,
      source: 'expires_in of POST /par',
    };
    /**
     * The row of a challenge issued at the start, presented as soon as it falls due (a lifetime
     * and a second after it was in hand): waiting for a later one too would leave it to the TTL
     * monitor, which deletes expired challenges.
     */
    const expiredRow = <T>(
      challenge: LabWait['challenge'],
      issued: Started<T>,
      lifetime: Lifetime,
      [model, scenario, expected]: [LabModel, string, string],
      present: (value: T) => Promise<Outcome>,
    ) => {
      const due = issued.at + (lifetime.seconds + 1) * 1000;
      const step = async () => {
        const waitMs = Math.max(0, due - Date.now());
        if (waitMs > 0) onWait?.({ seconds: Math.ceil(waitMs / 1000), challenge });
        await sleep(waitMs, undefined, { signal });
        const wait = waitText(lifetime);
        await attempt(model, scenario, `${wait} ${expected}`, async () =>
          after(wait, await redeemLater(issued, present)),
        );
      };
      return { due, step };
    };
    const expiredCode = expiredRow(
      'code',
      code,
      codeLifetime,
      ['pkce', 'expired code', describeError(EXPIRED_CODE)],
      (issued) => pkce.finishExpiredCode(issued),
    );
    const steps = [
      {
        due: expiredCode.due,
        // The refused refresh's token, used again past the refresh grace window.
        step: async () => {
          await expiredCode.step();
          const escalated = await escalation;
          await attempt(
            'pkce',
            'refresh asking for more scope',
            '400 invalid_scope; the same refresh token later 200',
            () => redeemLater(escalated, (pending) => pkce.finishEscalatedRefresh(pending)),
          );
        },
      },
      expiredRow(
        'nonce',
        nonce,
        nonceLifetime,
        ['siwe', 'expired nonce', describeError(EXPIRED_NONCE)],
        (pending) => siwe.finishExpiredNonce(pending),
      ),
      expiredRow(
        'request_uri',
        pushed,
        requestLifetime,
        ['par', 'expired request_uri', describeError(EXPIRED_REQUEST_URI)],
        (request) => par.finishExpired(request),
      ),
      expiredRow(
        'login',
        login,
        loginWindow,
        ['passkey', 'registration without a fresh login', '401 insufficient_user_authentication'],
        (aged) => passkey.finishStaleLogin(aged),
      ),
    ].sort((a, b) => a.due - b.due);
    for (const { step } of steps) await step();
  }

  // Email codes, last: each waits for its mail to reach the development mailbox, time the
  // expiry rows above need not wait for. The code read there, redeemed once in its own browser.
  await attempt('email', 'normal login', '200 { redirect }', () => email.normalLogin());
  await attempt('email', 'wrong code 5 times, then the right one', '401 invalid_code', () =>
    email.wrongCodeFiveTimes(),
  );
  await attempt('email', 'replayed code', '401 invalid_code', () => email.replayedCode());
  await attempt(
    'email',
    'another browser’s code',
    '401 invalid_code; the same as a wrong code; owner then 200',
    () => email.anotherBrowsersCode(),
  );
  return rows;
}

/**
 * The run's waits, as the service states its lifetimes (GET /challenge-models/<model>; the
 * settings' defaults when it does not say): the code's and the nonce's, PAR's request_uri's, and
 * the recent-login window the passkey row waits past.
 */
async function planOf(http: HttpClient): Promise<LabPlan> {
  const stated: Record<LabWait['challenge'], Lifetime> = {
    code: await lifetimeOf(http, 'pkce'),
    nonce: await lifetimeOf(http, 'siwe'),
    request_uri: await policySeconds(
      http,
      'par',
      'lifetime_seconds',
      (answered) => ({ seconds: DEFAULT_LIFETIME_SECONDS.par, source: `default; ${answered}` }),
      'store',
    ),
    login: await recentLoginWindow(http),
  };
  const waits = (Object.keys(WAITING_ROWS) as LabWait['challenge'][]).map((challenge) => ({
    challenge,
    ...stated[challenge],
    rows: WAITING_ROWS[challenge],
  }));
  return { waits, leastSeconds: Math.max(...waits.map((wait) => wait.seconds + 1)) };
}

function waitText(lifetime: Lifetime): string {
  return `after ${lifetime.seconds} s (${lifetime.source}) + 1 s:`;
}

function after(wait: string, outcome: Outcome): Outcome {
  return { ...outcome, expected: `${wait} ${outcome.expected}` };
}

/** A challenge issued ahead of its redemption: its value, or why it could not be had. */
interface Started<T> {
  value?: T;
  failure?: Error;
  /** When it was in hand (issued no later than this). */
  at: number;
}

async function started<T>(issue: () => Promise<T>): Promise<Started<T>> {
  try {
    const value = await issue();
    return { value, at: Date.now() };
  } catch (failure) {
    const error = failure instanceof Error ? failure : new Error(String(failure));
    return { failure: error, at: Date.now() };
  }
}

async function redeemLater<T>(
  challenge: Started<T>,
  redeem: (value: T) => Promise<Outcome>,
): Promise<Outcome> {
  if (challenge.value === undefined) throw challenge.failure ?? new Error('no challenge issued');
  return redeem(challenge.value);
}

/**
 * A scenario's outcome, with its own `expected` text kept when it has one; a failed
 * precondition or a network error becomes a failing row instead of ending the run.
 */
async function settle(summary: string, run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run();
  } catch (error) {
    const reason = error instanceof LabStepFailed ? error.message : `lab error: ${String(error)}`;
    return { expected: summary, answered: reason, passed: false };
  }
}

/**
 * `policy.lifetime_seconds` of GET /challenge-models/<model>; failing that, for SIWE, the
 * lifetime the nonce response itself states (its message expires with the nonce); failing
 * that, the setting's default.
 */
function lifetimeOf(
  http: HttpClient,
  model: LabModel,
  issuedNonce?: () => Promise<IssuedNonce | undefined>,
): Promise<Lifetime> {
  return policySeconds(http, model, 'lifetime_seconds', async (answered) => {
    const issued = await issuedNonce?.();
    if (issued) {
      const ms = Date.parse(issued.expirationTime) - Date.parse(issued.issuedAt);
      if (Number.isFinite(ms) && ms >= 0) {
        return { seconds: Math.ceil(ms / 1000), source: "the nonce's expirationTime" };
      }
    }
    return { seconds: DEFAULT_LIFETIME_SECONDS[model], source: `default; ${answered}` };
  });
}
