import { StatedSeconds, policySeconds } from './challenge-policy';
import { LabStepFailed, Outcome, allOf, describeReply, errorOutcome } from './expectations';
import { HttpClient, Reply, field } from './http';
import { PkceLab } from './pkce-scenarios';
import { SoftwareAuthenticator } from './software-authenticator';

/** The demo user whose account the lab's passkey is added to (and removed from). */
const USERNAME = 'user0';
/** A phishing site's origin: never one of WEBAUTHN_ORIGINS. */
const FOREIGN_ORIGIN = 'https://proofgate.example.net';

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
  ) {
    this.http = new HttpClient(baseUrl, signal);
  }

  /** A fresh password login (its own browser) and its `account`-scoped token for demo-client. */
  async accountLogin(): Promise<AccountLogin> {
    const browser = new PkceLab(this.baseUrl, this.issuer, this.signal);
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
    const { accessToken } = await this.accountLogin();
    const options = await this.registrationOptions(accessToken);
    const creation = asCreationOptions(options.json);
    if (options.status !== 200 || !creation) {
      throw new LabStepFailed(`POST /passkeys/registration/options: ${describeReply(options)}`);
    }
    const authenticator = new SoftwareAuthenticator({
      rpId: creation.rp.id,
      origin: origin(this.issuer, creation.rp.id),
    });
    const registered = await this.http.post('/passkeys/registration/verify', {
      headers: { authorization: `Bearer ${accessToken}` },
      json: authenticator.register(creation),
    });
    const added = {
      expected: 'registration 201',
      answered: `registration ${describeReply(registered)}`,
      passed: registered.status === 201,
    };
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
    const { accessToken } = await this.accountLogin();
    const key = encodeURIComponent(`passkey:${authenticator.id}`);
    const removed = await this.http.delete(`/account/methods/${key}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const gone = {
      expected: 'DELETE 200',
      answered: `DELETE ${describeReply(removed)}`,
      passed: removed.status === 200,
    };
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
