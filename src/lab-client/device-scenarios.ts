import { randomInt } from 'node:crypto';
import {
  ErrorAnswer,
  LabStepFailed,
  Outcome,
  allOf,
  describeReply,
  errorOutcome,
  statusOutcome,
} from './expectations';
import { HttpClient, Reply, anotherAddress, csrfTokenOf, field } from './http';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §6.1's alphabet, as the service issues user codes: consonants, no vowels or digits. */
const USER_CODE_LETTERS = 'BCDFGHJKLMNPQRSTVWXZ';
const USER = { username: 'user0', password: 'password0' };
/** The guesser signs in as another account: the throttle counts per account (and network). */
const GUESSER = { username: 'user1', password: 'password1' };
/** RATE_LIMIT_DEVICE_USER_CODES_PER_ACCOUNT's default: the codes one account may submit. */
const USER_CODES_PER_ACCOUNT = 20;
/** The window those codes are counted in (src/oauth/device/device.rate-limits.ts). */
const USER_CODE_WINDOW_MS = 10 * 60_000;

/** What POST /device_authorization answers (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  interval: number;
  clientId: string;
}

export const CODE_OF_ANOTHER_CLIENT: ErrorAnswer = {
  status: 400,
  error: 'invalid_grant',
  description: 'Device code was issued to another client',
};

/**
 * The device authorization grant (RFC 8628) as a CLI and its user's browser drive it, over HTTP
 * only: the lab registers public device clients (RFC 7591), starts a device authorization, signs
 * the user in at /device (the login page and back) and answers the code there; the CLI polls
 * /token. The attacks: polling faster than `interval`, another client redeeming the device code,
 * an answered code answered again, and guessing user codes.
 */
export class DeviceLab {
  private readonly api: HttpClient;
  private readonly browser: HttpClient;
  private clients: Promise<[string, string]> | undefined;
  private signedIn = false;

  constructor(
    private readonly baseUrl: string,
    private readonly signal?: AbortSignal,
    /** The user's browser connects from this local address (see HttpClient). */
    readonly address?: string,
    /** Who the user's browser signs in as. */
    private readonly user = USER,
  ) {
    this.api = new HttpClient(baseUrl, signal);
    this.browser = new HttpClient(baseUrl, signal, undefined, address);
  }

  /**
   * A lab whose user's browser connects from an address of its own: another loopback address (in
   * 127.0.0.0/8, almost surely in a /24 of its own) when the service is on this machine, else the
   * lab's. The verification page counts codes per account and per network in 10 minutes, right
   * ones included: the rows of one run take 7 of user0's, a guesser (as user1) takes all of its
   * own account's, and a network of its own leaves the next run the network's budget.
   */
  static fromAnotherAddress(baseUrl: string, signal?: AbortSignal, user = USER): DeviceLab {
    const from = anotherAddress(baseUrl);
    return new DeviceLab(from.baseUrl, signal, from.address, user);
  }

  /** Two public clients registered for the device grant: the CLI, and another one. */
  private registered(): Promise<[string, string]> {
    this.clients ??= Promise.all([this.register('Lab device CLI'), this.register('Lab other CLI')]);
    return this.clients;
  }

  private async register(name: string): Promise<string> {
    const reply = await this.api.post('/register', {
      json: {
        client_name: name,
        redirect_uris: [],
        response_types: [],
        grant_types: [DEVICE_GRANT, 'refresh_token'],
        token_endpoint_auth_method: 'none',
      },
    });
    const clientId = field(reply.json, 'client_id');
    if (reply.status !== 201 || !clientId) {
      throw new LabStepFailed(`POST /register of a device client: ${describeReply(reply)}`);
    }
    return clientId;
  }

  /** POST /device_authorization as the CLI (or the other client). */
  async start(other = false): Promise<DeviceAuthorization> {
    const [cli, another] = await this.registered();
    const clientId = other ? another : cli;
    const reply = await this.api.post('/device_authorization', {
      form: { client_id: clientId, scope: 'openid profile api' },
    });
    const json = reply.json as { interval?: unknown } | undefined;
    const deviceCode = field(reply.json, 'device_code');
    const userCode = field(reply.json, 'user_code');
    if (reply.status !== 200 || !deviceCode || !userCode || typeof json?.interval !== 'number') {
      throw new LabStepFailed(`POST /device_authorization: ${describeReply(reply)}`);
    }
    return { deviceCode, userCode, interval: json.interval, clientId };
  }

  /** The user's browser at /device: sent to the login page first, then back (RFC 8628 §3.3). */
  private async signIn(userCode: string): Promise<void> {
    if (this.signedIn) return;
    const back = `/device?user_code=${encodeURIComponent(userCode)}`;
    const first = await this.browser.get(back, { headers: { accept: 'text/html' } });
    const login = first.location ? new URL(first.location, this.baseUrl) : undefined;
    if (first.status !== 302 || login?.pathname !== '/login') {
      throw new LabStepFailed(`GET /device signed out: ${first.status}, not 302 to /login`);
    }
    const page = await this.browser.get(`${login.pathname}${login.search}`);
    const csrf = csrfTokenOf(page);
    if (!csrf) throw new LabStepFailed(`GET /login: ${page.status}, no csrf_token in the form`);
    const done = await this.browser.post('/login', {
      form: { ...this.user, csrf_token: csrf, return_to: back },
    });
    if (done.status !== 303 || done.location !== back) {
      throw new LabStepFailed(`POST /login: ${done.status}, not 303 back to /device`);
    }
    this.signedIn = true;
  }

  /** The verification page's form, posted with the code and the button the user pressed. */
  async answer(userCode: string, action: 'lookup' | 'approve' | 'deny'): Promise<Reply> {
    await this.signIn(userCode);
    const form = await this.browser.get('/device', { headers: { accept: 'text/html' } });
    const csrf = csrfTokenOf(form);
    if (form.status !== 200 || !csrf) {
      throw new LabStepFailed(`GET /device: ${form.status}, no csrf_token in the form`);
    }
    return this.browser.post('/device', {
      form: { user_code: userCode, action, csrf_token: csrf },
      headers: { accept: 'text/html' },
    });
  }

  /** The user compares the code (lookup), then confirms it. */
  private async approve(authorization: DeviceAuthorization): Promise<void> {
    const confirm = await this.answer(authorization.userCode, 'lookup');
    const done = await this.answer(authorization.userCode, 'approve');
    if (confirm.status !== 200 || done.status !== 200) {
      throw new LabStepFailed(`POST /device lookup ${confirm.status}, approve ${done.status}`);
    }
  }

  /** The CLI's poll of /token (RFC 8628 §3.4). */
  poll({ deviceCode, clientId }: DeviceAuthorization, asClient = clientId): Promise<Reply> {
    return this.api.post('/token', {
      form: { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: asClient },
    });
  }

  async normalLogin(): Promise<Outcome> {
    const authorization = await this.start();
    await this.approve(authorization);
    const tokens = await this.poll(authorization);
    const accessToken = field(tokens.json, 'access_token');
    if (tokens.status !== 200 || !accessToken) {
      return { expected: '/token 200', answered: describeReply(tokens), passed: false };
    }
    const me = await this.api.get('/api/me', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const sub = field(me.json, 'sub');
    return {
      expected: `/token 200; /api/me 200 ${USER.username}`,
      answered: `/token ${tokens.status}; /api/me ${me.status} ${sub ?? ''}`.trim(),
      passed: me.status === 200 && sub === USER.username,
    };
  }

  /** RFC 8628 §3.5: a poll sooner than `interval` after the last is told to slow down. */
  async pollTooFast(): Promise<Outcome> {
    const authorization = await this.start();
    const first = await this.poll(authorization);
    const second = await this.poll(authorization);
    return allOf(
      errorOutcome(first, { status: 400, error: 'authorization_pending' }),
      errorOutcome(second, { status: 400, error: 'slow_down' }),
    );
  }

  /** RFC 8628 §3.4 / RFC 6749 §4.1.3: a device code is redeemed only by the client it was issued to. */
  async redeemedByAnotherClient(): Promise<Outcome> {
    const authorization = await this.start();
    await this.approve(authorization);
    const [, other] = await this.registered();
    const stolen = await this.poll(authorization, other);
    // The owner still gets its tokens: the refused attempt consumed nothing.
    const owner = await this.poll(authorization);
    return allOf(
      errorOutcome(stolen, CODE_OF_ANOTHER_CLIENT),
      statusOutcome('the owner then', owner, 200),
    );
  }

  /** An answered code cannot be answered again: a replayed approval changes nothing. */
  async approvalReplayed(): Promise<Outcome> {
    const authorization = await this.start(true);
    await this.approve(authorization);
    const replayed = await this.answer(authorization.userCode, 'approve');
    const said = /That code has already been answered\./.test(replayed.text);
    return {
      expected: '400 page "That code has already been answered."',
      answered: `${replayed.status} page${said ? ' "That code has already been answered."' : ''}`,
      passed: replayed.status === 400 && said,
    };
  }

  /**
   * RFC 8628 §5.1: user codes are short, so guesses are throttled: one signed-in account submits
   * at most 20 codes in 10 minutes (and one network 60), wrong or right, then 429 until the
   * window ends. The guesser is another account (user1) at another address (a loopback address
   * of its own when the service is on this machine), so the lab's own rows keep theirs.
   */
  async userCodeBruteForce(): Promise<Outcome> {
    const guesser = DeviceLab.fromAnotherAddress(this.baseUrl, this.signal, GUESSER);
    const address = guesser.address;
    // The count is per fixed window (epoch-aligned): guesses that straddle a window's end are
    // counted in two, so the ones that count are those since the newest window began.
    let window = userCodeWindow();
    let guesses = 0;
    let last: Reply | undefined;
    while (guesses < USER_CODES_PER_ACCOUNT + 3 && last?.status !== 429) {
      if (userCodeWindow() !== window) {
        window = userCodeWindow();
        guesses = 0;
      }
      last = await guesser.answer(randomUserCode(), 'lookup');
      guesses += 1;
    }
    const wrong = last?.status === 429 ? guesses - 1 : guesses;
    const from = address === undefined ? 'the lab’s own address' : `another address (${address})`;
    return {
      expected: `429 after at most ${USER_CODES_PER_ACCOUNT} codes from one account`,
      answered: `${last ? describeReply(last) : 'nothing'} after ${wrong} wrong codes of ${GUESSER.username} from ${from}`,
      passed: last?.status === 429 && wrong <= USER_CODES_PER_ACCOUNT,
    };
  }
}

/** The user code throttle's window now: its 10 minutes start at a multiple of 10 minutes. */
function userCodeWindow(): number {
  return Math.floor(Date.now() / USER_CODE_WINDOW_MS);
}

/** A user code of the service's form, almost surely not a live one (20^8 codes). */
function randomUserCode(): string {
  const letters = Array.from(
    { length: 8 },
    () => USER_CODE_LETTERS[randomInt(USER_CODE_LETTERS.length)],
  );
  return `${letters.slice(0, 4).join('')}-${letters.slice(4).join('')}`;
}
