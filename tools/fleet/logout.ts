/**
 * Back-Channel Logout traffic through the fleet (OpenID Connect Back-Channel Logout 1.0): two
 * relying parties, HTTP servers on loopback in the harness, configured in every instance's
 * OAUTH_CLIENTS with a `backchannel_logout_uri` (BACKCHANNEL_LOGOUT_ALLOW_PRIVATE lets a
 * production fleet reach them). One answers at once, the other after SLOW_RP_MS, so deliveries
 * are in flight when an instance is killed. Each loop signs in on the login page from an
 * X-Forwarded-For address of its own (its wallet with SIWE, and every PASSWORD_EVERY-th session
 * user1 with the password form), gets tokens for both RPs in that session, then ends it with
 * GET /end_session and the first RP's ID token as `id_token_hint`, on the instances in turn, then
 * at the first kill's victim for a few seconds before it dies (its poller is woken at once by the
 * sessions it ends, so it claims some of their deliveries; the other instances' pollers claim the
 * rest). Which instance sent a token is told by its connection (socket-owner.ts), and the slow RP
 * holds what the victim sends (a few seconds each, then from the kill's start until the victim
 * is gone), so a delivery is in flight when it dies.
 * Sessions are ended until a little after that kill, so that every delivery
 * leased by the killed instance is retried by another within the run (its lease ends
 * BACKCHANNEL_LOGOUT_TIMEOUT_MS + 30 s after the claim). Every POST an RP receives is recorded,
 * with whether its answer was cut (the sending instance died first); after the load, each ended
 * session's refresh tokens are tried once more and must be refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { authorizationRequest } from '../../src/lab-client/authorization-request';
import { codeExchangeRequest, codeFromRedirect, type CodeClient } from '../../bench/lib/pkce';
import { NoAnswer, type Answer, type FleetClient } from './client';
import type { Ledger } from './ledger';
import { processGone, processState, stateEnded, type Elapsed } from './processes';
import { socketOwner } from './socket-owner';
import type { Traffic } from './traffic';

/** How long the slow RP takes to answer a logout token. */
export const SLOW_RP_MS = 4000;
/**
 * How long the slow RP holds a token the kill's victim sent (`endSessionsAt`) while the kill is
 * not under way. Held until the kill, the tokens the victim sent first took every attempt it may
 * run at once (4 per process and lane), and aged: 8 were open at one run's kill, 9.4 to 13.2 s
 * old (2026-12-02), near the victim's own 20 s limit (BACKCHANNEL_LOGOUT_TIMEOUT_MS), past which
 * it gives them up itself (abandoned, not cut). Released after this, they make room for newer
 * ones, so a token the kill can cut is never older than this when the kill starts holding them
 * all (`holdUntilKill`), and no older than this plus the kill's burst (at most 10 s) when it cuts.
 */
export const HELD_MS = 5000;
/**
 * Pause of a loop between two sessions. With little of it a loop ends as many sessions as the
 * instances' CPU allows: 254 in a fleet run once most sign-ins hashed no password, against 144
 * before; 130 with this pause (2026-11-27).
 */
const PAUSE_MS = 700;
/**
 * Sessions are ended this long at the first kill's victim before it is killed (when the fault
 * before it ran long, the kill waits for it), and still this long after the kill starts. A
 * delivery leased by the victim is retried BACKCHANNEL_LOGOUT_TIMEOUT_MS + 30 s after its claim,
 * which is why sessions stop then: every retry falls within the run.
 */
export const LOGOUT_LEAD_MS = 3000;
export const LOGOUT_AFTER_KILL_MS = 6000;
/**
 * The kill waits at most this long for a logout token on its way from the victim to the slow RP
 * (`deliveryInFlightFrom`): a fixed lead alone left a busy machine's run with none in flight. The
 * victim sends a token of one session in four or so that it ends (the others' pollers are
 * quicker, most of all while the kill's burst keeps it busy), and a busy machine ends one
 * session every 5 s or more: 20 s was not always enough.
 */
export const LOGOUT_READY_WITHIN_MS = 60_000;
const USER = { username: 'user1', password: 'password1' };
/**
 * Every so many sessions sign in with user1's password, the others with the loop's wallet: each
 * password sign-in costs its instance a deliberate scrypt (N=2^15, ~0.1 s of CPU), and no check
 * here needs more than a few of them (with every session by password, 2026-11-27: 144 of them,
 * ~15 s of the instances' ~84 s of CPU).
 */
export const PASSWORD_EVERY = 4;
const FORM = 'application/x-www-form-urlencoded';

/** One POST to an RP's logout endpoint. */
export interface ReceivedLogoutToken {
  readonly rp: string;
  readonly at: number;
  /** The JOSE header's `typ` and the payload, decoded (the signature is not verified here). */
  readonly typ?: string;
  readonly claims?: Record<string, unknown>;
  /**
   * The instance that sent it (its slot and pid), from the connection's socket; undefined when
   * it could not be told (the socket already gone).
   */
  readonly sender?: { readonly slot: number; readonly pid: number };
  /** The connection closed before the RP answered, its sender dead: killed meanwhile. */
  cut: boolean;
  /**
   * The connection closed before the RP answered while its sender lived (its own time limit), or
   * the sender was not told: neither delivered nor counted as cut by a kill.
   */
  abandoned?: boolean;
  /**
   * The slow RP held it for the target's kill (for HELD_MS, or until the kill once that was
   * under way): the target sent it after it was named, before it was killed.
   */
  held?: boolean;
  /** When the RP answered it, or saw its connection close unanswered (elapsed ms). */
  endedAt?: number;
  /** Closed unanswered: its sender's state then (/proc: 'gone', 'Z', or a live one such as 'S'). */
  senderAtClose?: string;
}

/** A login session the harness ended, with what it got in it. */
export interface EndedSession {
  readonly id: number;
  readonly sid: string;
  readonly sub: string;
  /** The RPs (client IDs) that got tokens in it. */
  readonly rps: readonly string[];
  readonly refreshTokens: readonly { readonly rp: string; readonly token: string }[];
  readonly endedAt: number;
  /** The instance first asked to end it (the answer may have come from another, see `cutTries`). */
  readonly instance: number;
  /**
   * Tries of the logout request cut by a killed instance before the answer that counted (each
   * retried at the next instance, as a browser's user would try again). Such a session may have
   * been ended, in part, by the instance that died: its logout must arrive all the same.
   */
  readonly cutTries: number;
  /** The answers to each refresh token once the run is over (status and `error`). */
  refreshAfter: { rp: string; status: number; error?: string }[];
}

interface Rp extends CodeClient {
  readonly delayMs: number;
  server?: Server;
}

function payloadOf(jwt: string): { typ?: string; claims?: Record<string, unknown> } {
  const [header, payload] = jwt.split('.');
  try {
    const decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as {
      typ?: unknown;
    };
    const typ = decoded.typ;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return {
      ...(typeof typ === 'string' ? { typ } : {}),
      ...(claims && typeof claims === 'object'
        ? { claims: claims as Record<string, unknown> }
        : {}),
    };
  } catch {
    return {};
  }
}

function str(answer: Answer, field: string): string | undefined {
  const value = answer.json?.[field];
  return typeof value === 'string' ? value : undefined;
}

export class LogoutTraffic {
  readonly received: ReceivedLogoutToken[] = [];
  readonly sessions: EndedSession[] = [];
  private readonly rps: Rp[];
  private client?: FleetClient;
  private traffic?: Traffic;
  private ledger?: Ledger;
  /** Each instance's processes (its own, then its workers'), by slot (none while it is down). */
  private pids: () => readonly (readonly number[])[] = () => [];
  private stopAt = Infinity;
  private stopping = false;
  private loops: Promise<void>[] = [];
  private nextAddress = 0;
  private nextInstance = 0;
  private target: number | undefined;
  /** The instance each session's logout request was sent to first, by sid, set before sending. */
  private readonly endingAt = new Map<string, number>();
  /** The instance sessions are ended at (`endSessionsAt`) has been killed. */
  private targetKilled = false;
  /** The target's processes when it was SIGKILLed (its own, and its workers'). */
  private killedPids: ReadonlySet<number> = new Set();
  /** POSTs an RP holds, not answered yet. */
  private readonly unanswered = new Set<ReceivedLogoutToken>();
  /** The kill is under way: held tokens are held until it, however long they have been. */
  private holdingForKill = false;
  private readonly heldMs: number;

  /** `timing`: the slow RP's delay and its hold (SLOW_RP_MS, HELD_MS), shorter in tests. */
  constructor(
    private readonly elapsed: Elapsed,
    timing: { readonly slowRpMs?: number; readonly heldMs?: number } = {},
  ) {
    this.heldMs = timing.heldMs ?? HELD_MS;
    this.rps = [
      { id: 'fleet-rp-fast', secret: 'fleet-rp-fast-secret', redirectUri: '', delayMs: 0 },
      {
        id: 'fleet-rp-slow',
        secret: 'fleet-rp-slow-secret',
        redirectUri: '',
        delayMs: timing.slowRpMs ?? SLOW_RP_MS,
      },
    ];
  }

  /** Starts the RPs' servers; answers the OAUTH_CLIENTS entries naming them. */
  async startReceivers(): Promise<string> {
    for (const rp of this.rps) {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get(
            'logout_token',
          );
          const sender = this.senderOf(req.socket.remotePort, req.socket.localPort);
          const record: ReceivedLogoutToken = {
            rp: rp.id,
            at: this.elapsed(),
            ...(token ? payloadOf(token) : {}),
            ...(sender ? { sender } : {}),
            cut: false,
          };
          this.received.push(record);
          this.unanswered.add(record);
          /** Answered, or closed unanswered (then cut or abandoned): told once. */
          let ended = false;
          const closedUnanswered = () => {
            if (ended) return;
            ended = true;
            this.unanswered.delete(record);
            record.endedAt = this.elapsed();
            const state = sender && processState(sender.pid);
            if (state) record.senderAtClose = state;
            if (state && stateEnded(state)) record.cut = true;
            else record.abandoned = true;
          };
          res.on('close', closedUnanswered);
          // Before the kill, the slow RP holds the tokens the victim sends (for HELD_MS, and once
          // the kill is under way until it is gone): the victim is mid-delivery when it dies,
          // however long the kill's burst takes. Told by the sender, not by where the session
          // ended: any instance's poller may claim a delivery, and on a busy machine the others'
          // often do before the victim's does.
          const held =
            rp.delayMs > 0 &&
            this.target !== undefined &&
            !this.targetKilled &&
            sender?.slot === this.target;
          if (held) record.held = true;
          const answer = () => {
            // Ended, or closing: its close tells which.
            if (ended || res.destroyed) return;
            // Its sender died with it unanswered: the connection is gone, though its close may
            // not have been seen yet. An event-loop turn runs its timers before its I/O, and the
            // kill's own wait, which ends the hold, is such a timer: answered then, 3 of the 8
            // tokens a run's kill cut counted as delivered (2026-12-02). An answer reaches no one.
            if (sender && processGone(sender.pid)) {
              closedUnanswered();
              res.destroy();
              return;
            }
            const holding =
              held &&
              !this.targetKilled &&
              (this.holdingForKill || this.elapsed() - record.at < this.heldMs);
            if (holding) {
              setTimeout(answer, 100);
              return;
            }
            ended = true;
            record.endedAt = this.elapsed();
            this.unanswered.delete(record);
            res.writeHead(200, { 'cache-control': 'no-store' }).end();
          };
          setTimeout(answer, rp.delayMs);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      rp.server = server;
    }
    return JSON.stringify(
      this.rps.map((rp) => {
        const { port } = rp.server!.address() as AddressInfo;
        Object.assign(rp, { redirectUri: `http://127.0.0.1:${port}/callback` });
        return {
          client_id: rp.id,
          client_secret: rp.secret,
          name: `Fleet RP (${rp.delayMs === 0 ? 'fast' : 'slow'})`,
          redirect_uris: [rp.redirectUri],
          first_party: true,
          backchannel_logout_uri: `http://127.0.0.1:${port}/backchannel-logout`,
          backchannel_logout_session_required: true,
        };
      }),
    );
  }

  /** Starts `loops` loops, ending sessions until `endSessionsUntil` or `stop`. */
  start(
    loops: number,
    deps: {
      client: FleetClient;
      traffic: Traffic;
      ledger: Ledger;
      pids: () => readonly (readonly number[])[];
    },
  ): void {
    Object.assign(this, deps);
    this.stopping = false;
    this.loops = Array.from({ length: loops }, () =>
      this.loop(privateKeyToAccount(generatePrivateKey())),
    );
  }

  /** Sessions are ended at `instance` from now on (it is about to be killed). */
  endSessionsAt(instance: number): void {
    this.target = instance;
  }

  /**
   * Whether the slow RP is holding a logout token `instance` sent: killing it now cuts a delivery.
   * Held, not merely unanswered: one that came before `endSessionsAt` is answered after SLOW_RP_MS
   * all the same, and a fast machine's kill, decided on such a one, found nothing in flight (0 cut).
   * A held one is at most HELD_MS old until `holdUntilKill`, so the sender's own time limit
   * (BACKCHANNEL_LOGOUT_TIMEOUT_MS) is far off.
   */
  deliveryInFlightFrom(instance: number): boolean {
    return [...this.unanswered].some((r) => r.held === true && r.sender?.slot === instance);
  }

  /** The kill is under way: what the slow RP holds for it, it holds until `killedTarget`. */
  holdUntilKill(): void {
    this.holdingForKill = true;
  }

  /**
   * The instance one of whose processes (a worker, with WORKERS) holds the connection from `port`
   * to the RP's `rpPort`, and that process.
   */
  private senderOf(
    port: number | undefined,
    rpPort: number | undefined,
  ): { slot: number; pid: number } | undefined {
    if (port === undefined || rpPort === undefined) return undefined;
    const bySlot = this.pids();
    const pid = socketOwner(port, rpPort, bySlot.flat());
    const slot = pid === undefined ? -1 : bySlot.findIndex((pids) => pids.includes(pid));
    return pid === undefined || slot < 0 ? undefined : { slot, pid };
  }

  /** Of the tokens of sessions ended at `instance`, how many it sent, and how many others did. */
  sentBy(instance: number): { itself: number; others: number; unknown: number } {
    const ofIt = this.received.filter((r) => this.endingAt.get(String(r.claims?.sid)) === instance);
    return {
      itself: ofIt.filter((r) => r.sender?.slot === instance).length,
      others: ofIt.filter((r) => r.sender !== undefined && r.sender.slot !== instance).length,
      unknown: ofIt.filter((r) => r.sender === undefined).length,
    };
  }

  /**
   * What became of the tokens the slow RP held for the target (`endSessionsAt`), for the run's
   * account: how many were still open when it was killed at `killedAt` (their ages then), and how
   * each ended: answered, cut, or abandoned (with its sender's state when its connection closed).
   */
  heldAccount(killedAt: number): string {
    const held = this.received.filter((r) => r.held);
    const open = held.filter((r) => (r.endedAt ?? Infinity) >= killedAt);
    const fate = (r: ReceivedLogoutToken) =>
      r.cut
        ? 'cut'
        : r.abandoned
          ? `abandoned, its sender ${r.senderAtClose ?? 'not told'}`
          : r.endedAt === undefined
            ? 'never answered'
            : 'answered';
    const each = open.map(
      (r) =>
        `${((killedAt - r.at) / 1000).toFixed(1)} s old, from pid ${r.sender?.pid}, ${fate(r)}`,
    );
    return (
      `the slow RP held ${held.length} tokens from the victim, ` +
      `${held.length - open.length} ended before the kill, ${open.length} open at it` +
      (each.length > 0 ? ` (${each.join('; ')})` : '')
    );
  }

  /** The instance sessions were ended at was killed: the slow RP holds nothing more for it. */
  killedTarget(pids: readonly number[]): void {
    this.killedPids = new Set(pids);
    this.targetKilled = true;
  }

  /**
   * After the run: a delivery whose sender died is cut by the SIGKILL only when that sender was
   * the killed target; one cut by an instance's exit on SIGTERM (the fleet restart) is abandoned.
   */
  settleCuts(): void {
    for (const r of this.received) {
      if (r.cut && (r.sender === undefined || !this.killedPids.has(r.sender.pid))) {
        r.cut = false;
        r.abandoned = true;
      }
    }
  }

  /** No session is started after `at` (elapsed ms); a later call cannot extend it. */
  endSessionsUntil(at: number): void {
    this.stopAt = Math.min(this.stopAt, at);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  /** Waits until every ended session's token reached each of its RPs, or `timeoutMs` passed. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = this.elapsed() + timeoutMs;
    while (this.elapsed() < deadline && this.undelivered() > 0) await sleep(250);
  }

  private undelivered(): number {
    const got = new Set(
      this.received
        .filter((r) => !r.cut && !r.abandoned)
        .map((r) => `${r.rp} ${String(r.claims?.sid)}`),
    );
    return this.sessions.reduce(
      (n, s) => n + s.rps.filter((rp) => !got.has(`${rp} ${s.sid}`)).length,
      0,
    );
  }

  /** Every ended session's refresh tokens, once more: each must be refused now. */
  async tryRefreshTokens(): Promise<void> {
    for (const session of this.sessions) {
      for (const { rp, token } of session.refreshTokens) {
        const client = this.rps.find((r) => r.id === rp)!;
        const since = this.elapsed();
        for (;;) {
          const res = await this.client!.send('token.refresh', {
            method: 'POST',
            path: '/token',
            headers: {
              authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
              'content-type': FORM,
            },
            body: new URLSearchParams({
              grant_type: 'refresh_token',
              refresh_token: token,
            }).toString(),
          });
          if (this.traffic!.retryable('token.refresh', res)) {
            await this.traffic!.afterServerError(since, 'token.refresh', res);
            continue;
          }
          const error = str(res, 'error');
          session.refreshAfter.push({ rp, status: res.status, ...(error ? { error } : {}) });
          break;
        }
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      this.rps.map(
        (rp) =>
          new Promise<void>((resolve) => {
            if (!rp.server) return resolve();
            rp.server.closeAllConnections();
            rp.server.close(() => resolve());
          }),
      ),
    );
  }

  private async loop(wallet: PrivateKeyAccount): Promise<void> {
    while (!this.stopping && this.elapsed() < this.stopAt) {
      try {
        await this.session(wallet);
      } catch (error) {
        if (error instanceof NoAnswer && this.stopping) return;
        this.traffic!.failures.push(
          `logout session: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        if (this.traffic!.failures.length > 20) return;
      }
      await sleep(PAUSE_MS);
    }
  }

  /** One login session: signed in, tokens for both RPs, ended at /end_session. */
  private async session(wallet: PrivateKeyAccount): Promise<void> {
    const n = this.nextAddress++;
    const address = `10.88.${Math.floor(n / 250)}.${(n % 250) + 1}`;
    const cookie = await this.traffic!.signIn(
      undefined,
      n % PASSWORD_EVERY === 0 ? { ...USER, address } : { wallet, address },
    );
    const got: { rp: string; idToken: string; refreshToken: string }[] = [];
    for (const rp of this.rps) {
      const tokens = await this.tokensFor(rp, cookie);
      if (!tokens) return;
      got.push({ rp: rp.id, ...tokens });
    }
    const { claims } = payloadOf(got[0].idToken);
    const sid = claims?.sid;
    const sub = claims?.sub;
    if (typeof sid !== 'string' || typeof sub !== 'string') {
      this.traffic!.failures.push('logout session: an ID token without sid or sub');
      return;
    }
    const instance = this.target ?? this.nextInstance++ % this.client!.size;
    const query = new URLSearchParams({ id_token_hint: got[0].idToken }).toString();
    this.endingAt.set(sid, instance);
    const since = this.elapsed();
    let cutTries = 0;
    // Counted as ended only once a logout request got its answer (the signed-out page): a try
    // cut by a kill, or answered 503, is tried again (at the next instance after a cut).
    for (;;) {
      const res = await this.client!.send(
        'end_session',
        { method: 'GET', path: `/end_session?${query}`, headers: { cookie, accept: 'text/html' } },
        { instance },
      );
      cutTries += res.lost;
      if (res.status === 200) break;
      if (!this.traffic!.retryable('end_session', res)) {
        this.ledger!.surprise('end_session', res, 'the signed-out page (200) or 503');
        return;
      }
      await this.traffic!.afterServerError(since, 'end_session', res);
    }
    this.sessions.push({
      id: this.sessions.length + 1,
      sid,
      sub,
      rps: got.map((g) => g.rp),
      refreshTokens: got.map((g) => ({ rp: g.rp, token: g.refreshToken })),
      endedAt: this.elapsed(),
      instance,
      cutTries,
      refreshAfter: [],
    });
  }

  /** A code for `rp` in the session, exchanged: its ID and refresh tokens. */
  private async tokensFor(
    rp: Rp,
    cookie: string,
  ): Promise<{ idToken: string; refreshToken: string } | null> {
    const { query, state, verifier } = authorizationRequest(rp, 'openid profile', {
      nonce: `n-${this.nextAddress}`,
    });
    const since = this.elapsed();
    let code: string | undefined;
    while (code === undefined) {
      const res = await this.client!.send('authorize', {
        method: 'GET',
        path: `/authorize?${query}`,
        headers: { cookie, accept: 'text/html' },
      });
      if (res.status === 302 && res.location?.startsWith(rp.redirectUri)) {
        code = codeFromRedirect(res.location, state);
      } else if (this.traffic!.retryable('authorize', res)) {
        await this.traffic!.afterServerError(since, 'authorize', res);
      } else {
        this.ledger!.surprise('authorize', res, 'expected 302 to the RP with a code, or 503');
        return null;
      }
    }
    // After a 503, the code may have been spent all the same (the database went between the
    // redemption and the answer): "already used" is then allowed, and the session let go, as the
    // main traffic's exchanges allow it ("already used" only after a lost or 5xx try).
    let uncertain = false;
    for (;;) {
      // A lost exchange may have spent the code: then this session is let go, not judged.
      const res = await this.client!.send(
        'token.code',
        codeExchangeRequest(rp, { code, verifier }),
        {
          retryLost: false,
        },
      ).catch((error: unknown) => {
        if (error instanceof NoAnswer) return null;
        throw error;
      });
      if (res === null) return null;
      const idToken = str(res, 'id_token');
      const refreshToken = str(res, 'refresh_token');
      if (res.status === 200 && idToken && refreshToken) return { idToken, refreshToken };
      if (uncertain && res.status === 400 && str(res, 'error') === 'invalid_grant') {
        if (str(res, 'error_description') === 'Authorization code already used') return null;
      }
      if (!this.traffic!.retryable('token.code', res)) {
        this.ledger!.surprise('token.code', res, 'a 200 with an ID token and a refresh token');
        return null;
      }
      uncertain = true;
      await this.traffic!.afterServerError(since, 'token.code', res);
    }
  }
}
