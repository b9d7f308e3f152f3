import { generateKeyPair, SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import {
  ErrorAnswer,
  LabStepFailed,
  Outcome,
  allOf,
  describeReply,
  errorOutcome,
} from './expectations';
import { HttpClient, Reply, field } from './http';
import { PkceLab, newPkce } from './pkce-scenarios';

/** OpenID Connect Core §5.5.1.1: `phr` required, as an essential claim of the ID token. */
const ESSENTIAL_PHR = JSON.stringify({ id_token: { acr: { essential: true, values: ['phr'] } } });

/** OpenID Connect RP-Initiated Logout 1.0 §3: an unregistered URI is refused, never followed. */
export const UNREGISTERED_POST_LOGOUT_URI: ErrorAnswer = {
  status: 400,
  error: 'invalid_request',
  description:
    'post_logout_redirect_uri is not one of the post_logout_redirect_uris registered for this client',
};

export const FOREIGN_ID_TOKEN_HINT: ErrorAnswer = {
  status: 400,
  error: 'invalid_request',
  description: 'id_token_hint is not an ID token this server issued',
};

/** The demo confidential client of the code flow (README, Quick start). */
const CLIENT_ID = 'demo-client';

/**
 * What a login session is worth, and how it ends (OpenID Connect RP-Initiated Logout 1.0,
 * RFC 9470 step-up), over HTTP only: each scenario signs a browser of its own in with the demo
 * password, so ending its session leaves the lab's other browsers theirs.
 */
export class SessionLab {
  private readonly api: HttpClient;

  constructor(
    private readonly baseUrl: string,
    private readonly issuer: string,
    private readonly signal?: AbortSignal,
  ) {
    this.api = new HttpClient(baseUrl, signal);
  }

  /** A browser signed in with the demo password, through the code flow's login page. */
  private browser(): PkceLab {
    return new PkceLab(this.baseUrl, this.issuer, this.signal);
  }

  /**
   * §2: without an id_token_hint naming this session, the OP asks first: a cross-site GET (an
   * image tag on another site) cannot sign the user out.
   */
  async crossSiteSignOut(): Promise<Outcome> {
    const browser = this.browser();
    await browser.issueCode();
    const asked = await browser.endSession({});
    const confirmation = asked.status === 200 && /id="end-session-confirm"/.test(asked.text);
    const still = await browser.authorize(
      browser.authorizePath({ code_challenge: newPkce().challenge }),
    );
    const code = browser.callbackOf(still)?.get('code');
    return allOf(
      {
        expected: '200 confirmation page',
        answered: `${asked.status}${confirmation ? ' confirmation page' : ` ${asked.location ?? ''}`.trimEnd()}`,
        passed: confirmation,
      },
      {
        expected: 'the session still authorizes',
        answered: code ? 'the session still authorizes' : `/authorize then ${still.status}`,
        passed: !!code,
      },
    );
  }

  /** §3: the browser goes back only to a URI the client registered: no open redirector. */
  async unregisteredPostLogoutUri(): Promise<Outcome> {
    const browser = this.browser();
    await browser.issueCode();
    const reply = await browser.endSession({
      client_id: CLIENT_ID,
      post_logout_redirect_uri: 'https://attacker.example/after-logout',
    });
    return allOf(errorOutcome(reply, UNREGISTERED_POST_LOGOUT_URI), noRedirect(reply));
  }

  /** §2: the hint must be an ID token of this OP: one signed by another key is refused. */
  async foreignIdTokenHint(): Promise<Outcome> {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ sid: randomBytes(16).toString('base64url') })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(this.issuer)
      .setSubject('user0')
      .setAudience(CLIENT_ID)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const browser = this.browser();
    await browser.issueCode();
    const reply = await browser.endSession({ id_token_hint: forged });
    return allOf(errorOutcome(reply, FOREIGN_ID_TOKEN_HINT), noRedirect(reply));
  }

  /** The grants of a login session end with it: its refresh token and access token are refused. */
  async refreshAfterLogout(): Promise<Outcome> {
    const browser = this.browser();
    const { code, verifier } = await browser.issueCode({ scope: 'openid profile' });
    const tokens = await browser.redeem(code, { verifier });
    const idToken = field(tokens.json, 'id_token');
    const refreshToken = field(tokens.json, 'refresh_token');
    const accessToken = field(tokens.json, 'access_token');
    if (tokens.status !== 200 || !idToken || !refreshToken || !accessToken) {
      throw new LabStepFailed(`code exchange: ${describeReply(tokens)}, no ID and refresh tokens`);
    }
    // The hint names this very session: it ends at once.
    const ended = await browser.endSession({ id_token_hint: idToken });
    if (ended.status !== 200) throw new LabStepFailed(`GET /end_session: ${describeReply(ended)}`);
    const refreshed = await browser.refresh(refreshToken);
    const me = await this.api.get('/api/me', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return allOf(errorOutcome(refreshed, { status: 400, error: 'invalid_grant' }), {
      expected: 'its access token 401 at /api/me',
      answered: `its access token ${me.status} at /api/me`,
      passed: me.status === 401,
    });
  }

  /**
   * RFC 9470, OpenID Connect Core §5.5.1.1: a password session is not the phishing-resistant
   * sign-in an essential `phr` requires (`acr_values=phr` alone only offers it).
   */
  async passwordSessionForPhr(): Promise<Outcome> {
    const browser = this.browser();
    await browser.issueCode();
    const reply = await browser.authorize(
      browser.authorizePath({ code_challenge: newPkce().challenge, claims: ESSENTIAL_PHR }),
    );
    const target = reply.location ? new URL(reply.location, this.baseUrl) : undefined;
    const stepUp = target?.pathname === '/login' && target.searchParams.get('acr_values') === 'phr';
    return {
      expected: '302 to /login?acr_values=phr, no code',
      answered: stepUp
        ? '302 to /login?acr_values=phr, no code'
        : `${reply.status} ${reply.location ?? ''}`.trim(),
      passed: reply.status === 302 && stepUp,
    };
  }

  /** OpenID Connect Core §3.1.2.6: prompt=none cannot show the step, so it says why. */
  async promptNoneTooWeak(): Promise<Outcome> {
    const browser = this.browser();
    await browser.issueCode();
    const state = randomBytes(8).toString('hex');
    const reply = await browser.authorize(
      browser.authorizePath({
        code_challenge: newPkce().challenge,
        claims: ESSENTIAL_PHR,
        prompt: 'none',
        state,
      }),
    );
    const callback = browser.callbackOf(reply);
    const error = callback?.get('error');
    return {
      expected: '302 with error=unmet_authentication_requirements, no code',
      answered: callback
        ? `302 with ${error ? `error=${error}` : 'no error'}${callback.has('code') ? ', a code' : ', no code'}`
        : `${reply.status} ${reply.location ?? ''}`.trim(),
      passed: error === 'unmet_authentication_requirements' && !callback?.has('code'),
    };
  }
}

function noRedirect(reply: Reply): Outcome {
  return {
    expected: 'no redirect',
    answered: reply.location ? `redirect to ${reply.location}` : 'no redirect',
    passed: reply.location === null,
  };
}
