import { randomBytes } from 'node:crypto';
import { LabStepFailed, Outcome, allOf, describeReply } from './expectations';
import { HttpClient, Reply } from './http';

/** A provider's answer at the callback, as its query. */
type Answer = Record<string, string>;

/** The provider's answer when the user cancels (RFC 6749 §4.1.2.1): it names no one. */
const CANCELLED = (state: string): Answer => ({ error: 'access_denied', state });

/** Another provider's issuer, as a mix-up attacker's provider would name itself (RFC 9207). */
const ATTACKER_ISSUER = 'https://attacker.example';

/**
 * The UPSTREAM_PROVIDERS entry of a lab's own service (`npm run lab`): an OAuth 2.0 provider on
 * the discard port, which nothing answers. The rows never need it to: each is refused before
 * Proofgate asks the provider anything.
 */
export const LAB_UPSTREAM_PROVIDER = {
  kind: 'oauth2',
  id: 'lab',
  name: 'Lab provider',
  client_id: 'proofgate-lab',
  client_secret: 'lab-provider-secret',
  authorization_endpoint: 'http://127.0.0.1:9/authorize',
  token_endpoint: 'http://127.0.0.1:9/token',
  userinfo_endpoint: 'http://127.0.0.1:9/user',
} as const;

/** The login page's reasons a state refusal is told by (UPSTREAM_REFUSALS of the service). */
const STATE_REFUSALS = ['state_unknown', 'state_expired', 'state_used', 'other_browser'];

/**
 * Sign-in at an upstream identity provider (`upstream`), over HTTP only, against the first
 * provider the login page offers: the callback of a sign-in is refused when its state was forged,
 * replayed, started in another browser, or when the answer names another provider (a mix-up).
 * Every refusal happens before Proofgate asks the provider anything, so the provider need not
 * answer; each ends on the login page, with its reason, and no session.
 */
export class UpstreamLab {
  constructor(
    private readonly baseUrl: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** The id of the first provider the login page offers ("Sign in with …"), if any. */
  async provider(): Promise<string | undefined> {
    const page = await this.browser().get('/login', { headers: { accept: 'text/html' } });
    return /href="\/login\/upstream\/([a-z0-9-]+)[?"]/.exec(page.text)?.[1];
  }

  /** A callback with a state no browser started here (login CSRF, RFC 6749 §10.12). */
  async forgedState(provider: string): Promise<Outcome> {
    const browser = this.browser();
    await browser.get('/login', { headers: { accept: 'text/html' } });
    const reply = await this.callback(browser, provider, {
      code: 'an-attackers-code',
      state: randomBytes(32).toString('base64url'),
    });
    return refused(reply, 'state_unknown');
  }

  /** The provider's answer delivered twice: the state counts once, whatever the first said. */
  async replayedCallback(provider: string): Promise<Outcome> {
    const browser = this.browser();
    const answer = CANCELLED(await this.started(browser, provider));
    const first = await this.callback(browser, provider, answer);
    const again = await this.callback(browser, provider, answer);
    const ended = endOf(first);
    return allOf(
      {
        expected: '303 to the login page with a reason, no session',
        answered: ended.text,
        passed: ended.reason !== undefined && !sessionStarted(first),
      },
      refused(again, 'state_used'),
    );
  }

  /** The callback opened in another browser: refused there, and still its own browser's. */
  async otherBrowser(provider: string): Promise<Outcome> {
    const owner = this.browser();
    const answer = CANCELLED(await this.started(owner, provider));
    const other = this.browser();
    await other.get('/login', { headers: { accept: 'text/html' } });
    const stolen = await this.callback(other, provider, answer);
    const own = endOf(await this.callback(owner, provider, answer));
    return allOf(refused(stolen, 'other_browser'), {
      expected: 'its own browser then past the state',
      answered: `its own browser then ${own.text}`,
      passed: own.reason !== undefined && !STATE_REFUSALS.includes(own.reason),
    });
  }

  /** RFC 9207: an answer naming another provider's issuer, refused before the code is used. */
  async mixUp(provider: string): Promise<Outcome> {
    const browser = this.browser();
    const state = await this.started(browser, provider);
    const reply = await this.callback(browser, provider, {
      code: 'a-code-of-another-provider',
      state,
      iss: ATTACKER_ISSUER,
    });
    return refused(reply, 'mix_up');
  }

  private browser(): HttpClient {
    return new HttpClient(this.baseUrl, this.signal);
  }

  /** The browser opens the login page and "Sign in with …": the state sent to the provider. */
  private async started(browser: HttpClient, provider: string): Promise<string> {
    await browser.get('/login', { headers: { accept: 'text/html' } });
    const reply = await browser.get(`/login/upstream/${provider}`, {
      headers: { accept: 'text/html' },
    });
    const to = reply.location === null ? undefined : new URL(reply.location, this.baseUrl);
    const state = to?.searchParams.get('state');
    if (reply.status !== 302 || !state) {
      throw new LabStepFailed(
        `GET /login/upstream/${provider} answered ${reply.status}${reply.location ? ` to ${reply.location}` : ''}, no state sent to the provider`,
      );
    }
    return state;
  }

  private callback(browser: HttpClient, provider: string, answer: Answer): Promise<Reply> {
    const query = new URLSearchParams(answer).toString();
    return browser.get(`/login/upstream/${provider}/callback?${query}`, {
      headers: { accept: 'text/html' },
    });
  }
}

/** Where a callback ended: the login page's reason (`upstream_error`), or wherever else. */
function endOf(reply: Reply): { text: string; reason?: string } {
  const location = reply.location ?? '';
  const reason = /[?&]upstream_error=([a-z_]+)/.exec(location)?.[1];
  if (reply.status === 303 && reason !== undefined) {
    return { text: `303 upstream_error=${reason}`, reason };
  }
  if (reply.status === 303) return { text: `303 to ${location} (signed in)` };
  return { text: describeReply(reply) };
}

/** Whether the reply set a login session cookie. */
function sessionStarted(reply: Reply): boolean {
  return reply.headers.getSetCookie().some((line) => /^(__Host-)?pg_session=[^;]/.test(line));
}

/** Refused for `reason` on the login page, no session started. */
function refused(reply: Reply, reason: string): Outcome {
  const ended = endOf(reply);
  const session = sessionStarted(reply);
  return {
    expected: `303 upstream_error=${reason}, no session`,
    answered: `${ended.text}${session ? ', a session' : ', no session'}`,
    passed: ended.reason === reason && !session,
  };
}
