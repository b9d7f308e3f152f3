import { packedAttestation, rootCa } from './attestation-ca';
import { StatedSeconds, policySeconds } from './challenge-policy';
import {
  type ErrorAnswer,
  LabStepFailed,
  Outcome,
  allOf,
  describeReply,
  errorOutcome,
  statusOutcome,
} from './expectations';
import { HttpClient, Reply, anotherAddress, csrfTokenOf, field } from './http';
import { PkceLab, newPkce } from './pkce-scenarios';
import { SoftwareAuthenticator, type SoftwareAuthenticatorOptions } from './software-authenticator';

/** The demo user whose account the lab's passkey is added to (and removed from). */
const USERNAME = 'user0';
/** A phishing site's origin: never one of WEBAUTHN_ORIGINS. */
const FOREIGN_ORIGIN = 'https://proofgate.example.net';

/** The comparison's id of the hardware-bound passkey (a variant of the passkey model). */
const HARDWARE_BOUND = 'passkey_hardware_bound';

/** The model the lab's attestation certificate names: no real authenticator's. */
const LAB_AAGUID = '0f1a6b5e-5c1d-4e3a-9b7c-1ab0c0ffee00';

/** OpenID Connect Core §5.5.1.1: `phrh` required, as an essential claim of the ID token. */
const ESSENTIAL_PHRH = JSON.stringify({
  id_token: { acr: { essential: true, values: ['phrh'] } },
});

const UNTRUSTED_ATTESTATION: ErrorAnswer = { status: 400, error: 'untrusted_attestation' };

/**
 * What the instance states of hardware-bound passkeys; unknown (each field undefined) when it
 * does not say, and `source` says what it answered.
 */
export interface HardwarePolicy {
  /** PASSKEY_REQUIRE_HARDWARE: a passkey that is not hardware-bound does not register. */
  requireHardware?: boolean;
  /** That, or PASSKEY_ALLOWED_AAGUIDS: an attestation off the trust list does not register. */
  refusesUntrusted?: boolean;
  source: string;
}

/** The expectation a policy decided, prefixed by where the policy was read. */
function withSource(policy: HardwarePolicy, outcome: Outcome): Outcome {
  return { ...outcome, expected: `${policy.source}: ${outcome.expected}` };
}

interface CreationOptions {
  challenge: string;
  rp: { id: string };
  user: { id: string };
}

/** An account-scoped access token, and a time no earlier than its login (by the lab's clock). */
export interface AccountLogin {
  accessToken: string;
  at: number;
}

/**
 * Passkeys (WebAuthn Level 3) against the live service, over HTTP only, with the lab's own
 * software authenticator (ES256, `none` attestation, byte layouts written out independently of
 * the service's library). Adding a passkey needs an account-scoped token of a fresh login: a
 * password login of the demo user through /authorize for demo-client (first-party), as the PKCE
 * rows do. The passkey the rows share is removed by the last of them.
 */
export class PasskeyLab {
  private readonly http: HttpClient;
  private authenticator?: SoftwareAuthenticator;

  constructor(
    private readonly baseUrl: string,
    /** `issuer` from the RFC 8414 metadata: the origin ceremonies come from (see `origin`). */
    private readonly issuer: string,
    private readonly signal?: AbortSignal,
    /** Its requests connect from this local address (see HttpClient). */
    private readonly address?: string,
  ) {
    this.http = new HttpClient(baseUrl, signal, undefined, address);
  }

  /**
   * A lab of the demo user at an address of its own (`anotherAddress`): its logins and account
   * requests spend that address's RATE_LIMIT_LOGIN_PER_IP, not the run's.
   */
  static fromAnotherAddress(baseUrl: string, issuer: string, signal?: AbortSignal): PasskeyLab {
    const from = anotherAddress(baseUrl);
    return new PasskeyLab(from.baseUrl, issuer, signal, from.address);
  }

  /** A fresh password login (its own browser) and its `account`-scoped token for demo-client. */
  async accountLogin(): Promise<AccountLogin> {
    const browser = new PkceLab(this.baseUrl, this.issuer, this.signal, this.address);
    const { code, verifier } = await browser.issueCode({ scope: 'account' });
    const tokens = await browser.redeem(code, { verifier });
    const accessToken = field(tokens.json, 'access_token');
    if (tokens.status !== 200 || !accessToken) {
      throw new LabStepFailed(`/token for the account scope: ${describeReply(tokens)}`);
    }
    // Taken after the login: the token's auth_time is no later, so a wait from here is enough.
    return { accessToken, at: Date.now() };
  }

  registrationOptions(accessToken: string): Promise<Reply> {
    return this.http.post('/passkeys/registration/options', {
      headers: { authorization: `Bearer ${accessToken}` },
      json: {},
    });
  }

  async signInOptions(): Promise<{ challenge: string }> {
    const reply = await this.http.post('/passkeys/authentication/options', { json: {} });
    const challenge = field(reply.json, 'challenge');
    if (reply.status !== 200 || !challenge) {
      throw new LabStepFailed(`POST /passkeys/authentication/options: ${describeReply(reply)}`);
    }
    return { challenge };
  }

  verify(response: unknown): Promise<Reply> {
    return this.http.post('/passkeys/authentication/verify', { json: { response } });
  }

  // --- scenarios -------------------------------------------------------------------------

  /** Adds the rows' passkey to the demo user's account, signs in with it, asks /api/me. */
  async normalLogin(): Promise<Outcome> {
    const { reply: registered, authenticator } = await this.attemptRegistration({});
    const added = statusOutcome('registration', registered, 201);
    if (!added.passed) return added;
    this.authenticator = authenticator;
    const tokens = await this.verify(authenticator.assert(await this.signInOptions()));
    const token = field(tokens.json, 'access_token');
    const signedIn = {
      expected: 'sign-in 200',
      answered: `sign-in ${describeReply(tokens)}`,
      passed: tokens.status === 200 && !!token,
    };
    if (!token) return allOf(added, signedIn);
    const me = await this.http.get('/api/me', { headers: { authorization: `Bearer ${token}` } });
    return allOf(added, signedIn, {
      expected: `/api/me 200 passkey ${USERNAME}`,
      answered: `/api/me ${describeReply(me)} ${field(me.json, 'auth_method') ?? ''} ${field(me.json, 'sub') ?? ''}`,
      passed:
        me.status === 200 &&
        field(me.json, 'auth_method') === 'passkey' &&
        field(me.json, 'sub') === USERNAME,
    });
  }

  /** WebAuthn §7.2 step 12 with the challenge spent: the same assertion sent twice. */
  async replayedAssertion(): Promise<Outcome> {
    const authenticator = this.registered();
    const assertion = authenticator.assert(await this.signInOptions());
    const first = await this.verify(assertion);
    if (first.status !== 200) throw new LabStepFailed(`first sign-in: ${describeReply(first)}`);
    return errorOutcome(await this.verify(assertion), {
      status: 401,
      error: 'challenge_already_used',
    });
  }

  /** A registration challenge (the other ceremony's) signed as a sign-in. */
  async registrationChallengeSignsIn(): Promise<Outcome> {
    const authenticator = this.registered();
    const { accessToken } = await this.accountLogin();
    const creation = asCreationOptions((await this.registrationOptions(accessToken)).json);
    if (!creation) throw new LabStepFailed('no registration challenge to misuse');
    return errorOutcome(await this.verify(authenticator.assert(creation)), {
      status: 401,
      error: 'invalid_challenge',
    });
  }

  /** A phishing site relays the service's challenge: clientDataJSON names its own origin. */
  async wrongOrigin(): Promise<Outcome> {
    const assertion = this.registered().assert(await this.signInOptions(), {
      origin: FOREIGN_ORIGIN,
    });
    return errorOutcome(await this.verify(assertion), { status: 401, error: 'origin_mismatch' });
  }

  /**
   * A clone of the authenticator signs with the counter the genuine one already used
   * (WebAuthn §7.2 step 22): refused, however valid the signature.
   */
  async counterRegression(): Promise<Outcome> {
    const authenticator = this.registered();
    authenticator.setCounter(1000);
    const genuine = await this.verify(authenticator.assert(await this.signInOptions()));
    if (genuine.status !== 200)
      throw new LabStepFailed(`genuine sign-in: ${describeReply(genuine)}`);
    const clone = authenticator.assert(await this.signInOptions(), { counter: 1001 });
    return errorOutcome(await this.verify(clone), { status: 401, error: 'counter_regression' });
  }

  /** The rows' passkey removed (a fresh login): it signs in no more. */
  async removedPasskey(): Promise<Outcome> {
    const authenticator = this.registered();
    const removed = await this.deleteMethod(authenticator);
    const gone = statusOutcome('DELETE', removed, 200);
    if (!gone.passed) return gone;
    this.authenticator = undefined;
    return allOf(
      gone,
      errorOutcome(await this.verify(authenticator.assert(await this.signInOptions())), {
        status: 401,
        error: 'unknown_credential',
      }),
    );
  }

  /**
   * What this instance says of hardware-bound passkeys (its comparison's variant of the passkey,
   * GET /challenge-models/passkey): whether a passkey that is not hardware-bound registers.
   */
  async hardwarePolicy(): Promise<HardwarePolicy> {
    const reply = await this.http.get('/challenge-models/passkey');
    const variants = (reply.json as { variants?: unknown } | undefined)?.variants;
    const settings = Array.isArray(variants)
      ? (variants as { id?: unknown; settings?: Record<string, unknown> }[]).find(
          (variant) => variant.id === HARDWARE_BOUND,
        )?.settings
      : undefined;
    const required = /PASSKEY_REQUIRE_HARDWARE=(true|false)/.exec(String(settings?.registration));
    if (reply.status !== 200 || !required) {
      return {
        source: `GET /challenge-models/passkey answered ${reply.status}, no PASSKEY_REQUIRE_HARDWARE`,
      };
    }
    // PASSKEY_ALLOWED_AAGUIDS refuses an unproven model as well (its AAGUID is its own word).
    const modelsListed = typeof settings?.models === 'string' && !settings.models.startsWith('any');
    return {
      requireHardware: required[1] === 'true',
      refusesUntrusted: required[1] === 'true' || modelsListed,
      source: `PASSKEY_REQUIRE_HARDWARE=${required[1]}${modelsListed ? ', PASSKEY_ALLOWED_AAGUIDS' : ''} (GET /challenge-models)`,
    };
  }

  /**
   * EAP 1.0 §5.1.2 and RFC 9470: a synced passkey (backup eligible) signs a browser in (`phr`),
   * then a client asks for `phrh` as an essential claim. Its key can leave the authenticator
   * through the sync provider, so the request is sent back to the passkey step, no code. Where
   * the instance registers only hardware-bound passkeys, the synced one never registers.
   */
  async syncedPasskeyAtPhrh(policy: HardwarePolicy): Promise<Outcome> {
    if (policy.requireHardware === undefined) {
      throw new LabStepFailed(`whether hardware is required is unknown: ${policy.source}`);
    }
    const synced = await this.attemptRegistration({ synced: true });
    if (policy.requireHardware) {
      return withSource(policy, errorOutcome(synced.reply, UNTRUSTED_ATTESTATION));
    }
    if (synced.reply.status !== 201) {
      throw new LabStepFailed(`registering the synced passkey: ${describeReply(synced.reply)}`);
    }
    try {
      const browser = new HttpClient(this.baseUrl, this.signal, undefined, this.address);
      await this.signInOnLoginPage(browser, synced.authenticator);
      // demo-client's request (the PKCE rows' client), asking for phrh as an essential claim.
      const request = new PkceLab(this.baseUrl, this.issuer, this.signal).authorizePath({
        scope: 'openid',
        code_challenge: newPkce().challenge,
        claims: ESSENTIAL_PHRH,
      });
      const reply = await browser.get(request, { headers: { accept: 'text/html' } });
      const target = reply.location ? new URL(reply.location, this.baseUrl) : undefined;
      const stepUp =
        target?.pathname === '/login' && target.searchParams.get('acr_values') === 'phrh';
      const code = target?.searchParams.has('code') === true;
      return withSource(policy, {
        expected: '302 to /login?acr_values=phrh, no code',
        answered: stepUp
          ? '302 to /login?acr_values=phrh, no code'
          : `${reply.status}${code ? ' with a code' : ''} ${reply.location ?? ''}`.trim(),
        passed: reply.status === 302 && stepUp,
      });
    } finally {
      await this.remove(synced.authenticator);
    }
  }

  /**
   * WebAuthn Level 3 §7.1 step 23: a `packed` attestation that verifies but chains to a root of
   * the lab's own, on no trust list. Where only hardware-bound passkeys (or listed models)
   * register: `400 untrusted_attestation`; elsewhere the passkey registers, not hardware-bound.
   */
  async unlistedRootAttestation(policy: HardwarePolicy): Promise<Outcome> {
    if (policy.refusesUntrusted === undefined) {
      throw new LabStepFailed(`whether hardware is required is unknown: ${policy.source}`);
    }
    const root = await rootCa('Proofgate Lab Attestation Root');
    const attestation = await packedAttestation(root, LAB_AAGUID);
    const attempt = await this.attemptRegistration({ attestation });
    if (policy.refusesUntrusted) {
      return withSource(policy, errorOutcome(attempt.reply, UNTRUSTED_ATTESTATION));
    }
    if (attempt.reply.status === 201) await this.remove(attempt.authenticator);
    const hardwareBound = (attempt.reply.json as { hardware_bound?: unknown } | undefined)
      ?.hardware_bound;
    return withSource(policy, {
      expected: '201, hardware_bound false',
      answered: `${describeReply(attempt.reply)}, hardware_bound ${String(hardwareBound)}`,
      passed: attempt.reply.status === 201 && hardwareBound === false,
    });
  }

  /** A new authenticator's registration on the demo user's account, with a fresh login. */
  private async attemptRegistration(
    options: Pick<SoftwareAuthenticatorOptions, 'synced' | 'attestation'>,
  ): Promise<{ reply: Reply; authenticator: SoftwareAuthenticator }> {
    const { accessToken } = await this.accountLogin();
    const reply = await this.registrationOptions(accessToken);
    const creation = asCreationOptions(reply.json);
    if (reply.status !== 200 || !creation) {
      throw new LabStepFailed(`POST /passkeys/registration/options: ${describeReply(reply)}`);
    }
    const authenticator = new SoftwareAuthenticator({
      rpId: creation.rp.id,
      origin: origin(this.issuer, creation.rp.id),
      ...options,
    });
    const registered = await this.http.post('/passkeys/registration/verify', {
      headers: { authorization: `Bearer ${accessToken}` },
      json: authenticator.register(creation),
    });
    return { reply: registered, authenticator };
  }

  /** The login page's passkey sign-in (what passkey-login.js posts), in `browser`. */
  private async signInOnLoginPage(
    browser: HttpClient,
    authenticator: SoftwareAuthenticator,
  ): Promise<void> {
    const page = await browser.get('/login', { headers: { accept: 'text/html' } });
    const csrf = csrfTokenOf(page);
    if (page.status !== 200 || !csrf) throw new LabStepFailed(`GET /login: ${page.status}`);
    const options = await browser.post('/passkeys/authentication/options', { json: {} });
    const challenge = field(options.json, 'challenge');
    if (options.status !== 200 || !challenge) {
      throw new LabStepFailed(`POST /passkeys/authentication/options: ${describeReply(options)}`);
    }
    const signedIn = await browser.post('/login/passkey', {
      json: { response: authenticator.assert({ challenge }), csrf_token: csrf, return_to: '/' },
    });
    if (signedIn.status !== 200) {
      throw new LabStepFailed(`POST /login/passkey: ${describeReply(signedIn)}`);
    }
  }

  /** DELETE /account/methods/passkey:<id> with a fresh login's account token. */
  private async deleteMethod(authenticator: SoftwareAuthenticator): Promise<Reply> {
    const { accessToken } = await this.accountLogin();
    const key = encodeURIComponent(`passkey:${authenticator.id}`);
    return this.http.delete(`/account/methods/${key}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
  }

  /** Takes a passkey the lab added off the demo user's account again (a fresh login). */
  private async remove(authenticator: SoftwareAuthenticator): Promise<void> {
    const removed = await this.deleteMethod(authenticator);
    if (removed.status !== 200) {
      throw new LabStepFailed(`removing the lab's passkey: ${describeReply(removed)}`);
    }
  }

  /** Registration options asked with the token of a login older than the recent-login window. */
  async finishStaleLogin(login: AccountLogin): Promise<Outcome> {
    return errorOutcome(await this.registrationOptions(login.accessToken), {
      status: 401,
      error: 'insufficient_user_authentication',
    });
  }

  private registered(): SoftwareAuthenticator {
    if (!this.authenticator) throw new LabStepFailed('no passkey was added (see the first row)');
    return this.authenticator;
  }
}

/**
 * The origin the service expects ceremonies from: ISSUER's, when its host lies under the RP ID;
 * else (an ISSUER on an IP address, docs/PASSKEYS-AND-ACCOUNTS.md) the RP ID's host on ISSUER's
 * scheme and port, as WEBAUTHN_ORIGINS then lists it.
 */
function origin(issuer: string, rpId: string): string {
  const url = new URL(issuer);
  if (url.hostname === rpId || url.hostname.endsWith(`.${rpId}`)) return url.origin;
  return `${url.protocol}//${rpId}${url.port ? `:${url.port}` : ''}`;
}

function asCreationOptions(json: unknown): CreationOptions | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const body = json as Record<string, unknown>;
  const rpId = field(body.rp, 'id');
  const userId = field(body.user, 'id');
  if (typeof body.challenge !== 'string' || !rpId || !userId) return undefined;
  return { challenge: body.challenge, rp: { id: rpId }, user: { id: userId } };
}

/**
 * The default of ACCOUNT_RECENT_LOGIN_SECONDS (docs/CONFIGURATION.md), when the service does not
 * say.
 */
const DEFAULT_RECENT_LOGIN_SECONDS = 600;

/**
 * How old a login may be to add a passkey: `policy.recent_login_seconds` of
 * GET /challenge-models/passkey, else its default.
 */
export function recentLoginWindow(http: HttpClient): Promise<StatedSeconds> {
  return policySeconds(http, 'passkey', 'recent_login_seconds', (answered) => ({
    seconds: DEFAULT_RECENT_LOGIN_SECONDS,
    source: `default; ${answered}`,
  }));
}
