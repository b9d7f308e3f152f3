/**
 * Mixed traffic through the fleet, as its clients would send it: authorization codes minted with
 * the real login session and exchanged (every tenth with two concurrent replays; every fourth
 * with a DPoP proof, its family then refreshing and calling the API with proofs of the same
 * key), refresh tokens rotated (every third with a concurrent duplicate), SIWE logins signed by
 * viem wallets (every tenth with two concurrent replays), and protected-API calls. Each answer is
 * checked against what the protocol allows and booked in the ledger.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { basicAuth } from '../../bench/lib/browser';
import { dpopProof, dpopSigner, type DpopSigner } from '../../bench/lib/dpop';
import { authorizationRequest } from '../../src/lab-client/authorization-request';
import {
  DEMO_CLIENT,
  codeExchangeRequest,
  codeFromRedirect,
  type MintedCode,
} from '../../bench/lib/pkce';
import {
  GaveUp,
  NoAnswer,
  type Answer,
  type Endpoint,
  type FleetClient,
  type RequestSource,
  type RequestSpec,
} from './client';
import { ISSUER } from './fleet';
import type { Ledger } from './ledger';
import { Pacer } from './pacer';
import type { Elapsed } from './processes';

/** The public client wallet logins are issued to when they name none. */
export const WALLET_CLIENT = 'wallet';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
/**
 * Pause before retrying a request answered 5xx: shorter than the answer's Retry-After (5 s), so
 * that the harness sees recovery to within a few hundred milliseconds.
 */
const RETRY_AFTER_5XX_MS = 300;
/** A request answered 5xx for this long is stuck, not waiting out a fault: the harness gives up. */
const GIVE_UP_AFTER_5XX_MS = 120_000;
const WALLET_ACCOUNTS = 40;
/** Refresh-token families followed at once; older ones are let go when new ones arrive. */
const MAX_FAMILIES = 120;

const CODE_REPLAY_EVERY = 10;
const REFRESH_DUPLICATE_EVERY = 3;
const SIWE_REPLAY_EVERY = 10;
/** Every so many code logins sender-constrain their tokens with DPoP (RFC 9449). */
const DPOP_EVERY = 4;

/** A request was answered 5xx for longer than any fault lasts (booked as unexpected). */
export class StillUnavailable extends Error {}

export interface Family {
  readonly id: number;
  readonly clientId: string;
  readonly bornAt: number;
  refreshToken: string;
  accessToken: string;
  busy: boolean;
  /** The DPoP key its tokens are bound to, if they are (`token_type` DPoP, `cnf.jkt`). */
  readonly dpop?: DpopSigner;
  /** Why the family ended, if it did (it then leaves the pool). */
  fate?: string;
  /** A refresh of the current token was answered 5xx or lost: the client cannot know whether it rotated. */
  uncertain: boolean;
  /** Its last refresh tries (copy, instance, times, answer), for the report if it ends. */
  readonly history: string[];
}

export interface SignedNonce {
  readonly nonce: string;
  readonly message: string;
  readonly signature: string;
}

export interface RedemptionOutcome {
  /** 200 answers over every copy. */
  readonly ok: number;
  /** A copy's try was lost mid-flight and retried. */
  readonly lost: boolean;
  /** Refused as already used after its own try was lost or answered 5xx. */
  readonly redeemedUnseen: boolean;
  readonly tokens?: { access_token: string; refresh_token: string };
}

function str(answer: Answer, field: string): string | undefined {
  const value = answer.json?.[field];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Who signs in on the login page: a user with the password form, or a wallet with its SIWE
 * message; from `address` (X-Forwarded-For) when given.
 */
export type SignInAs = (
  { readonly username: string; readonly password: string } | { readonly wallet: PrivateKeyAccount }
) & { readonly address?: string };

/** A browser that loaded the login page: where, its CSRF token, and the headers it sends. */
interface PageBrowser {
  readonly instance: number;
  readonly csrf: string;
  readonly headers: Readonly<Record<string, string>>;
}

function isUnavailable(answer: Answer): boolean {
  return answer.status === 503 && str(answer, 'error') === 'temporarily_unavailable';
}

export class Traffic {
  readonly families: Family[] = [];
  /** Families that ended, with why (revoked by a refresh answered 400...). */
  readonly endedFamilies: Family[] = [];
  /** Exceptions from the harness itself (never the service's answers). */
  readonly failures: string[] = [];
  private readonly accounts: PrivateKeyAccount[] = Array.from({ length: WALLET_ACCOUNTS }, () =>
    privateKeyToAccount(generatePrivateKey()),
  );
  private sessionCookie = '';
  private stopping = false;
  private workers: Promise<void>[] = [];
  private seq = { family: 0, code: 0, refresh: 0, siwe: 0, account: 0 };
  private pacer = new Pacer(0, () => 0);

  constructor(
    private readonly client: FleetClient,
    private readonly ledger: Ledger,
    private readonly elapsed: Elapsed,
  ) {}

  /** The login session's cookie (user0), for the device traffic's browser. */
  get session(): string {
    return this.sessionCookie;
  }

  get ledgerCounts(): Ledger['counts'] {
    return this.ledger.counts;
  }

  /** Logs user0 in through the real form on `instance`; the session cookie works on every instance. */
  async login(instance: number): Promise<void> {
    this.sessionCookie = await this.signIn(instance, { username: 'user0', password: 'password0' });
  }

  /**
   * A login session through the real login page, on `instance` (default: the next in turn), from
   * `as.address` (X-Forwarded-For: the login limit counts per address) when given: the password
   * form, or a wallet's signed SIWE message (POST /login/siwe, over a nonce the page's browser
   * asked for); retried from the page while answered 503. Answers the session's cookie.
   */
  async signIn(instance: number | undefined, as: SignInAs): Promise<string> {
    const forwarded: Record<string, string> = as.address ? { 'x-forwarded-for': as.address } : {};
    const since = this.elapsed();
    for (;;) {
      const page = await this.client.send(
        'login.page',
        { method: 'GET', path: '/login?return_to=%2F', headers: forwarded },
        { instance },
      );
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
      const csrfCookie = cookieValue(page.setCookie, 'pg_csrf');
      // The CSRF token is signed for this pre-login session: its cookie goes back too.
      const presession = cookieValue(page.setCookie, 'pg_presession');
      if (page.status !== 200 || !csrf || !csrfCookie || !presession) {
        if (this.retryable('login.page', page)) {
          await this.afterServerError(since, 'login.page', page);
          continue;
        }
        throw new Error(`login page: ${page.status}, no CSRF token or cookie`);
      }
      const browser = {
        instance: page.instance,
        csrf,
        headers: { ...forwarded, cookie: `pg_csrf=${csrfCookie}; pg_presession=${presession}` },
      };
      const [endpoint, res] =
        'wallet' in as
          ? await this.walletSignIn(browser, as.wallet)
          : (['login', await this.passwordSignIn(browser, as)] as const);
      // A wallet sign-in cut by a kill may have spent its nonce: the browser starts over.
      if (res === undefined) continue;
      const session = cookieValue(res.setCookie, 'pg_session');
      // The form redirects (303); the wallet button's script is told where to go (200).
      if (res.status === (endpoint === 'login' ? 303 : 200) && session)
        return `pg_session=${session}`;
      if (this.retryable(endpoint, res)) {
        await this.afterServerError(since, endpoint, res);
        continue;
      }
      throw new Error(`${endpoint}: ${res.status}, no session cookie`);
    }
  }

  private passwordSignIn(
    browser: PageBrowser,
    user: { username: string; password: string },
  ): Promise<Answer> {
    return this.client.send(
      'login',
      {
        method: 'POST',
        path: '/login',
        headers: { ...browser.headers, 'content-type': FORM },
        body: new URLSearchParams({
          username: user.username,
          password: user.password,
          csrf_token: browser.csrf,
          return_to: '/',
        }).toString(),
      },
      { instance: browser.instance },
    );
  }

  /**
   * The login page's wallet button: a nonce for the page's browser, the message signed, the
   * signature posted. Answers the endpoint whose answer decides (the nonce's when it was refused),
   * with no answer when the signature's try was cut: the service may have spent the nonce before
   * it died, so the same message sent again elsewhere could only be refused as a replay.
   */
  private async walletSignIn(
    browser: PageBrowser,
    wallet: PrivateKeyAccount,
  ): Promise<readonly [Endpoint, Answer | undefined]> {
    const headers = { ...browser.headers, 'content-type': JSON_TYPE };
    const nonce = await this.client.send(
      'wallet.nonce',
      {
        method: 'POST',
        path: '/wallet/nonce',
        headers,
        body: JSON.stringify({ address: wallet.address, chainId: 1 }),
      },
      { instance: browser.instance },
    );
    const message = str(nonce, 'message');
    if (nonce.status !== 201 || !message) return ['wallet.nonce', nonce];
    const res = await this.client
      .send(
        'login.siwe',
        {
          method: 'POST',
          path: '/login/siwe',
          headers,
          body: JSON.stringify({
            message,
            signature: await wallet.signMessage({ message }),
            csrf_token: browser.csrf,
            return_to: '/',
          }),
        },
        { instance: browser.instance, retryLost: false },
      )
      .catch((error: unknown) => {
        if (error instanceof NoAnswer) return undefined;
        throw error;
      });
    return ['login.siwe', res];
  }

  /**
   * `workers` loops, each running one scenario at a time; with `scenariosPerSecond` > 0 they start
   * that many a second in all (Pacer).
   */
  start(workers: number, scenariosPerSecond = 0): void {
    this.stopping = false;
    this.pacer = new Pacer(scenariosPerSecond, this.elapsed);
    this.workers = Array.from({ length: workers }, () => this.work());
  }

  /** Lets every worker finish the scenario it is in, then returns. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    while (!this.stopping) {
      await this.pacer.turn();
      if (this.stopping) return;
      try {
        const r = Math.random();
        if (r < 0.35) await this.codeLogin();
        else if (r < 0.7) await this.refreshSomeFamily();
        else if (r < 0.9) await this.siweLogin();
        else await this.callApi();
      } catch (error) {
        if (error instanceof NoAnswer && this.stopping) return;
        this.failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
        if (this.failures.length > 20) return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Authorization code + PKCE

  private async codeLogin(): Promise<void> {
    const minted = await this.mintCode();
    const n = ++this.seq.code;
    const replayed = n % CODE_REPLAY_EVERY === 0;
    const dpop = n % DPOP_EVERY === 1 ? dpopSigner() : undefined;
    const outcome = await this.exchange(minted, replayed ? 3 : 1, undefined, dpop);
    // A replayed code revokes the grant of its redemption (RFC 6749 §4.1.2): not a family to follow.
    if (!replayed && outcome.tokens) this.adopt(DEMO_CLIENT.id, outcome.tokens, dpop);
  }

  /** GET /authorize with the login session, as a browser would; retried while answered 5xx. */
  async mintCode(): Promise<MintedCode> {
    const { query, state, verifier } = authorizationRequest(DEMO_CLIENT, 'profile');
    const since = this.elapsed();
    for (;;) {
      const res = await this.client.send('authorize', {
        method: 'GET',
        path: `/authorize?${query}`,
        headers: { cookie: this.sessionCookie, accept: 'text/html' },
      });
      if (res.status === 302 && res.location?.startsWith(DEMO_CLIENT.redirectUri)) {
        return { code: codeFromRedirect(res.location, state), verifier };
      }
      if (!this.retryable('authorize', res)) {
        this.ledger.surprise('authorize', res, 'expected 302 to the client with a code, or 503');
        throw new Error(`authorize answered ${res.status}`);
      }
      await this.afterServerError(since, 'authorize', res);
    }
  }

  /**
   * Exchanges a code with `copies` concurrent requests (1: a normal exchange); with `dpop`, each
   * try carries a fresh proof of that key, and the tokens must come back bound to it.
   */
  exchange(
    minted: MintedCode,
    copies: number,
    instance?: number,
    dpop?: DpopSigner,
  ): Promise<RedemptionOutcome> {
    this.ledger.counts.codes++;
    if (copies > 1) this.ledger.counts.codeReplayGroups++;
    if (dpop) this.ledger.counts.dpopExchanges++;
    const record = this.ledger.code(minted.code);
    const spec: RequestSpec = codeExchangeRequest(DEMO_CLIENT, minted);
    return this.redeem(
      'token.code',
      copies,
      instance,
      dpop ? withProof(spec, dpop) : spec,
      record,
      {
        usedError: 'invalid_grant',
        usedStatus: 400,
        usedDescription: 'Authorization code already used',
        onUnseen: () => this.ledger.counts.codesRedeemedUnseen++,
        tokenType: dpop ? 'DPoP' : 'Bearer',
      },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Sign-In with Ethereum

  private async siweLogin(): Promise<void> {
    const signed = await this.signedNonce();
    const replayed = ++this.seq.siwe % SIWE_REPLAY_EVERY === 0;
    const outcome = await this.verify(signed, replayed ? 3 : 1);
    // A nonce replay is refused and revokes nothing: the winner's family is a real one.
    if (outcome.tokens) this.adopt(WALLET_CLIENT, outcome.tokens);
  }

  /** A nonce for one of the test wallets, and its EIP-4361 message signed by that wallet. */
  async signedNonce(): Promise<SignedNonce> {
    const account = this.accounts[this.seq.account++ % this.accounts.length];
    const since = this.elapsed();
    for (;;) {
      const res = await this.client.send('wallet.nonce', {
        method: 'POST',
        path: '/wallet/nonce',
        headers: { 'content-type': JSON_TYPE },
        body: JSON.stringify({ address: account.address, chainId: 1 }),
      });
      const nonce = str(res, 'nonce');
      const message = str(res, 'message');
      if (res.status === 201 && nonce && message) {
        return { nonce, message, signature: await account.signMessage({ message }) };
      }
      if (!this.retryable('wallet.nonce', res)) {
        this.ledger.surprise('wallet.nonce', res, 'expected 201 with a nonce and message, or 503');
        throw new Error(`wallet nonce answered ${res.status}`);
      }
      await this.afterServerError(since, 'wallet.nonce', res);
    }
  }

  verify(signed: SignedNonce, copies: number, instance?: number): Promise<RedemptionOutcome> {
    this.ledger.counts.logins++;
    if (copies > 1) this.ledger.counts.siweReplayGroups++;
    const record = this.ledger.nonce(signed.nonce);
    const body = JSON.stringify({ message: signed.message, signature: signed.signature });
    return this.redeem(
      'wallet.verify',
      copies,
      instance,
      { method: 'POST', path: '/wallet/verify', headers: { 'content-type': JSON_TYPE }, body },
      record,
      {
        usedError: 'nonce_already_used',
        usedStatus: 401,
        usedDescription: undefined,
        onUnseen: () => this.ledger.counts.noncesRedeemedUnseen++,
      },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // One redemption, single or with concurrent replays

  /**
   * Sends `copies` identical redemptions at once. Each copy retries while answered 5xx, until it
   * gets another answer or a sibling has logged in. Allowed: one 200 for the secret; "already
   * used" for a replay, or for a copy whose own earlier try was lost or answered 5xx (its
   * redemption may have happened unseen); 503 temporarily_unavailable. Anything else is booked as
   * unexpected.
   */
  private async redeem(
    endpoint: Endpoint,
    copies: number,
    instance: number | undefined,
    spec: RequestSource,
    record: { ok: number; answers: number },
    used: {
      usedError: string;
      usedStatus: number;
      usedDescription: string | undefined;
      onUnseen: () => void;
      /** The `token_type` a 200 must carry, where the endpoint says one. */
      tokenType?: TokenType;
    },
  ): Promise<RedemptionOutcome> {
    let ok = 0;
    let lost = false;
    let redeemedUnseen = false;
    let tokens: RedemptionOutcome['tokens'];
    const since = this.elapsed();
    const copy = async (n: number) => {
      let uncertain = false;
      // Only the first try goes where the caller said; retries go round robin.
      let target = instance === undefined ? undefined : (instance + n) % this.client.size;
      for (;;) {
        let res: Answer;
        try {
          // A client stops retrying a copy once another copy has logged in.
          res = await this.client.send(endpoint, spec, {
            ...(target === undefined ? {} : { instance: target }),
            giveUp: () => ok > 0,
          });
        } catch (error) {
          if (error instanceof GaveUp) return;
          throw error;
        }
        target = undefined;
        record.answers++;
        if (res.lost > 0) {
          lost = true;
          uncertain = true;
        }
        if (res.status === 200) {
          const access = str(res, 'access_token');
          const refresh = str(res, 'refresh_token');
          if (!access || !refresh) {
            this.ledger.surprise(endpoint, res, 'a 200 without access_token and refresh_token');
            return;
          }
          record.ok++;
          ok++;
          this.ledger.accessToken(access);
          if (used.tokenType) checkTokenType(this.ledger, endpoint, res, used.tokenType);
          tokens = { access_token: access, refresh_token: refresh };
          return;
        }
        if (this.retryable(endpoint, res)) {
          uncertain = true;
          if (ok > 0) return; // a sibling logged in: the client stops here
          try {
            await this.afterServerError(since, endpoint, res);
          } catch (error) {
            if (error instanceof StillUnavailable) return;
            throw error;
          }
          continue;
        }
        const alreadyUsed =
          res.status === used.usedStatus &&
          str(res, 'error') === used.usedError &&
          (used.usedDescription === undefined ||
            str(res, 'error_description') === used.usedDescription);
        if (alreadyUsed && (copies > 1 || uncertain)) {
          if (copies === 1) {
            redeemedUnseen = true;
            used.onUnseen();
          }
          return;
        }
        this.ledger.surprise(
          endpoint,
          res,
          copies > 1
            ? 'a replay group allows one 200, "already used" or 503'
            : 'a fresh secret allows 200 or 503 ("already used" only after a lost or 5xx try)',
        );
        return;
      }
    };
    await Promise.all(Array.from({ length: copies }, (_, n) => copy(n)));
    return { ok, lost, redeemedUnseen, ...(tokens ? { tokens } : {}) };
  }

  /**
   * A 5xx is retried, as a client would. A 503 temporarily_unavailable is the answer an outage
   * must get; any other 5xx is booked as unexpected first.
   */
  retryable(endpoint: Endpoint, res: Answer): boolean {
    if (isUnavailable(res)) return true;
    if (res.status < 500) return false;
    this.ledger.surprise(endpoint, res, 'a 5xx other than 503 temporarily_unavailable (retried)');
    return true;
  }

  /** Waits before retrying a 5xx; gives up (StillUnavailable) once it has lasted too long. */
  async afterServerError(since: number, endpoint: Endpoint, res: Answer): Promise<void> {
    if (this.elapsed() - since > GIVE_UP_AFTER_5XX_MS) {
      this.ledger.surprise(
        endpoint,
        res,
        `still 5xx after ${GIVE_UP_AFTER_5XX_MS / 1000} s of retries`,
      );
      throw new StillUnavailable(`${endpoint}: still 5xx after ${GIVE_UP_AFTER_5XX_MS / 1000} s`);
    }
    await sleep(RETRY_AFTER_5XX_MS);
  }

  // ---------------------------------------------------------------------------------------------
  // Refresh-token families

  private adopt(
    clientId: string,
    tokens: { access_token: string; refresh_token: string },
    dpop?: DpopSigner,
  ): void {
    this.families.push({
      id: ++this.seq.family,
      clientId,
      ...(dpop ? { dpop } : {}),
      bornAt: this.elapsed(),
      refreshToken: tokens.refresh_token,
      accessToken: tokens.access_token,
      busy: false,
      uncertain: false,
      history: [],
    });
    if (this.families.length > MAX_FAMILIES) {
      const idle = this.families.findIndex((f) => !f.busy);
      if (idle >= 0) this.families.splice(idle, 1);
    }
  }

  private async refreshSomeFamily(): Promise<void> {
    const idle = this.families.filter((f) => !f.busy);
    if (idle.length === 0) return this.codeLogin();
    const family = idle[Math.floor(Math.random() * idle.length)];
    const duplicated = ++this.seq.refresh % REFRESH_DUPLICATE_EVERY === 0;
    await this.refresh(family, duplicated ? 2 : 1);
  }

  /**
   * Rotates a family's refresh token with `copies` concurrent requests. The service answers
   * concurrent duplicates (and retries within REFRESH_TOKEN_GRACE_SECONDS) with the SAME successor:
   * several 200s for one presented token are allowed, two different successors never are.
   * Returns whether the family is still alive.
   */
  async refresh(family: Family, copies = 1): Promise<boolean> {
    while (family.busy) await sleep(20);
    if (family.fate) return false;
    family.busy = true;
    try {
      this.ledger.counts.refreshes++;
      if (copies > 1) this.ledger.counts.refreshDuplicates++;
      if (family.dpop) this.ledger.counts.dpopRefreshes++;
      const presented = family.refreshToken;
      const record = this.ledger.refresh(presented);
      const form: Record<string, string> = {
        grant_type: 'refresh_token',
        refresh_token: presented,
      };
      const headers: Record<string, string> = { 'content-type': FORM };
      if (family.clientId === DEMO_CLIENT.id) {
        headers.authorization = basicAuth(DEMO_CLIENT.id, DEMO_CLIENT.secret);
      } else {
        form.client_id = family.clientId;
      }
      const request: RequestSpec = {
        method: 'POST',
        path: '/token',
        headers,
        body: new URLSearchParams(form).toString(),
      };
      // RFC 9449 §5: a bound family refreshes with proofs of its key, and stays bound.
      const spec = family.dpop ? withProof(request, family.dpop) : request;
      let refused: Answer | undefined;
      let latest: { access: string; refresh: string } | undefined;
      const since = this.elapsed();
      const copy = async (n: number) => {
        for (;;) {
          let res: Answer;
          try {
            // Once a copy has the successor, the client drops the other.
            res = await this.client.send('token.refresh', spec, { giveUp: () => !!latest });
          } catch (error) {
            if (error instanceof GaveUp) return;
            throw error;
          }
          remember(family, n, res);
          if (res.lost > 0) family.uncertain = true;
          if (res.status === 200) {
            const access = str(res, 'access_token');
            const refresh = str(res, 'refresh_token');
            if (!access || !refresh) {
              this.ledger.surprise('token.refresh', res, 'a 200 without the rotated tokens');
              return;
            }
            record.ok++;
            record.successors.add(refresh);
            this.ledger.accessToken(access);
            checkTokenType(this.ledger, 'token.refresh', res, family.dpop ? 'DPoP' : 'Bearer');
            latest = { access, refresh };
            return;
          }
          if (this.retryable('token.refresh', res)) {
            family.uncertain = true;
            if (latest) return; // the duplicate already has the successor
            try {
              await this.afterServerError(since, 'token.refresh', res);
            } catch (error) {
              if (error instanceof StillUnavailable) return;
              throw error;
            }
            continue;
          }
          refused = res;
          return;
        }
      };
      await Promise.all(Array.from({ length: copies }, (_, n) => copy(n)));
      if (refused) {
        const description = str(refused, 'error_description') ?? String(refused.status);
        family.fate = family.uncertain
          ? `refused after an answer that was lost or 5xx: ${description}`
          : `refused: ${description}`;
        if (latest) {
          this.ledger.surprise(
            'token.refresh',
            refused,
            'a concurrent duplicate gets the same successor (grace window), not a refusal',
          );
        } else if (!family.uncertain) {
          this.ledger.surprise(
            'token.refresh',
            refused,
            'a live family must refresh (200) or get 503',
          );
        }
        this.retire(family);
        return false;
      }
      if (latest) {
        family.refreshToken = latest.refresh;
        family.accessToken = latest.access;
        family.uncertain = false;
        return true;
      }
      return false;
    } finally {
      family.busy = false;
    }
  }

  private retire(family: Family): void {
    const index = this.families.indexOf(family);
    if (index >= 0) this.families.splice(index, 1);
    this.endedFamilies.push(family);
  }

  // ---------------------------------------------------------------------------------------------
  // Protected API

  private async callApi(): Promise<void> {
    const family = this.families[Math.floor(Math.random() * this.families.length)];
    if (!family) return this.codeLogin();
    this.ledger.counts.meCalls++;
    const token = family.accessToken;
    const { dpop } = family;
    if (dpop) this.ledger.counts.dpopMeCalls++;
    // RFC 9449 §7.1: a bound token goes with the DPoP scheme and a proof carrying its hash (ath).
    const res = await this.client.send(
      'api.me',
      dpop
        ? () => ({
            method: 'GET',
            path: '/api/me',
            headers: {
              authorization: `DPoP ${token}`,
              dpop: dpopProof(dpop, 'GET', `${ISSUER}/api/me`, token),
            },
          })
        : { method: 'GET', path: '/api/me', headers: { authorization: `Bearer ${token}` } },
    );
    if (res.status === 200 && typeof res.json?.sub === 'string') return;
    if (isUnavailable(res)) return;
    // The family may have ended while this call was under way.
    if (res.status === 401 && family.fate) return;
    this.ledger.surprise('api.me', res, 'a live access token gets 200 (or 503) on every instance');
  }
}

const FAMILY_HISTORY = 16;

/** `spec` with a fresh DPoP proof of `signer` for each try (its `htu` as the issuer names it). */
function withProof(spec: RequestSpec, signer: DpopSigner): () => RequestSpec {
  return () => ({
    ...spec,
    headers: { ...spec.headers, dpop: dpopProof(signer, spec.method, `${ISSUER}${spec.path}`) },
  });
}

type TokenType = 'Bearer' | 'DPoP';

/** RFC 9449 §5: tokens for a request with a proof are `DPoP` tokens; without one, `Bearer`. */
function checkTokenType(
  ledger: Ledger,
  endpoint: Endpoint,
  res: Answer,
  expected: TokenType,
): void {
  if (str(res, 'token_type') !== expected) {
    ledger.surprise(endpoint, res, `a 200 with token_type ${expected}`);
  }
}

function remember(family: Family, copy: number, answer: Answer): void {
  for (const t of answer.tries) {
    const what =
      t.outcome === 'answered'
        ? `${t.status}${t.error ? ` ${t.error}` : ''}`
        : `${t.outcome} (${t.cause})`;
    family.history.push(
      `copy ${copy} sent +${(t.sentAt / 1000).toFixed(2)}s to instance ${t.instance}, ended +${(t.endedAt / 1000).toFixed(2)}s: ${what}`,
    );
  }
  family.history.splice(0, Math.max(0, family.history.length - FAMILY_HISTORY));
}

function cookieValue(setCookie: readonly string[], name: string): string | undefined {
  for (const line of setCookie) {
    const [pair] = line.split(';');
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) {
      return pair.slice(separator + 1).trim();
    }
  }
  return undefined;
}
