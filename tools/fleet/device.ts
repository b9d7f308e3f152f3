/**
 * Device authorization traffic (RFC 8628) through the fleet: a CLI starts a device authorization,
 * polls /token at `interval` (honouring `slow_down`: 5 s more each time, §3.5), its user's browser
 * approves the code at /device with user0's login session, and the CLI's poll after the approval
 * is sent as two concurrent copies to two instances on every other flow. Every fourth flow also
 * polls once too early, on purpose, and must be told to slow down. Each browser speaks from an
 * X-Forwarded-For address of its own, as the fleet's loopback proxy would forward distinct users
 * (the verification page's throttle, per account and per network, is raised out of the way: every
 * approval is user0's). Every poll is booked for the checks (tools/fleet/checks.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NoAnswer, type Answer, type FleetClient } from './client';
import type { Ledger } from './ledger';
import type { Elapsed } from './processes';
import type { Traffic } from './traffic';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const FORM = 'application/x-www-form-urlencoded';
/** RFC 8628 §3.5: what each `slow_down` adds to the interval. */
export const SLOW_DOWN_STEP_MS = 5000;
const DUPLICATE_EVERY = 2;
const EARLY_POLL_EVERY = 4;
/** A flow that has not got its tokens after this many polls is stuck (booked as unexpected). */
const MAX_POLLS = 40;

/** One poll of a device code, as the CLI saw it. */
export interface DevicePoll {
  /** From the answer of the poll before (of any status) to this poll's first try; null: the first. */
  readonly sinceLastAnswerMs: number | null;
  /**
   * From the first try of the poll before to this poll's answer: the longest the service's
   * records of the two can be apart (each poll is recorded between its send and its answer).
   * Null: the first.
   */
  readonly spanMs?: number | null;
  /** The interval the CLI held when it sent this poll (ms). */
  readonly intervalMs: number;
  /** Sent at once after an answer, on purpose: the service must answer slow_down. */
  readonly early: boolean;
  /** One of two concurrent copies (to two instances): the pair races, neither is judged on time. */
  readonly duplicate: boolean;
  /** Tries lost mid-flight before the answer (a lost try may have counted as a poll). */
  readonly lost: number;
  /**
   * Tries refused (an instance down) before the one answered: the poll then reached the service
   * later than it was sent, by as long as the fleet took to take it.
   */
  readonly refused?: number;
  /**
   * The poll before it in the flow was answered 503 or lost a try: the service may not have
   * recorded it, so it has no previous poll to call this one early against.
   */
  readonly afterUncertain?: boolean;
  readonly status: number;
  readonly error?: string;
}

export interface DeviceFlow {
  readonly id: number;
  approved: boolean;
  /**
   * Polled to the end: it got its tokens, was redeemed unseen, or was given up after too many
   * polls. A flow the stop of the load cut short is not (and is not judged).
   */
  finished: boolean;
  /** 200 answers over all its polls (its copies included). */
  tokens: number;
  /** Refused as already used with no 200 seen, after a try was lost or answered 503. */
  redeemedUnseen: boolean;
  readonly polls: DevicePoll[];
}

function str(answer: Answer, field: string): string | undefined {
  const value = answer.json?.[field];
  return typeof value === 'string' ? value : undefined;
}

function isUnavailable(answer: Answer): boolean {
  return answer.status === 503 && str(answer, 'error') === 'temporarily_unavailable';
}

export class DeviceTraffic {
  readonly flows: DeviceFlow[] = [];
  private clientId: string | undefined;
  private stopping = false;
  private loops: Promise<void>[] = [];
  private nextAddress = 0;

  constructor(
    private readonly client: FleetClient,
    private readonly traffic: Traffic,
    private readonly ledger: Ledger,
    private readonly elapsed: Elapsed,
  ) {}

  /** Registers the public device client (RFC 7591), before the load and its faults. */
  async register(): Promise<void> {
    const res = await this.client.send('register', {
      method: 'POST',
      path: '/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Fleet device CLI',
        redirect_uris: [],
        response_types: [],
        grant_types: [DEVICE_GRANT, 'refresh_token'],
        token_endpoint_auth_method: 'none',
      }),
    });
    const clientId = str(res, 'client_id');
    if (res.status !== 201 || !clientId) {
      throw new Error(`POST /register of the device client: ${res.status} ${res.text}`);
    }
    this.clientId = clientId;
  }

  start(loops: number): void {
    this.stopping = false;
    this.loops = Array.from({ length: loops }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const flow: DeviceFlow = {
        id: this.flows.length + 1,
        approved: false,
        finished: false,
        tokens: 0,
        redeemedUnseen: false,
        polls: [],
      };
      this.flows.push(flow);
      try {
        await this.run(flow);
      } catch (error) {
        if (error instanceof NoAnswer && this.stopping) return;
        this.traffic.failures.push(
          `device flow ${flow.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        if (this.traffic.failures.length > 20) return;
      }
    }
  }

  private async run(flow: DeviceFlow): Promise<void> {
    const started = await this.authorize();
    if (!started) return;
    const { deviceCode, userCode } = started;
    let intervalMs = started.interval * 1000;
    let lastAnswerAt: number | null = null;
    let lastSentAt: number | null = null;
    let uncertain = false;
    let previousUncertain = false;

    const poll = async (copies: number, early: boolean): Promise<void> => {
      const first = this.client.size > 0 ? Math.floor(Math.random() * this.client.size) : 0;
      const sentAt = this.elapsed();
      const answers = await Promise.all(
        Array.from({ length: copies }, (_, copy) =>
          this.client.send(
            'token.device',
            {
              method: 'POST',
              path: '/token',
              headers: { 'content-type': FORM },
              body: new URLSearchParams({
                grant_type: DEVICE_GRANT,
                device_code: deviceCode,
                client_id: this.clientId ?? '',
              }).toString(),
            },
            { instance: (first + copy) % this.client.size },
          ),
        ),
      );
      let slowDown = false;
      const afterUncertain = previousUncertain;
      previousUncertain = false;
      for (const res of answers) {
        const error = str(res, 'error');
        flow.polls.push({
          sinceLastAnswerMs: lastAnswerAt === null ? null : sentAt - lastAnswerAt,
          spanMs: lastSentAt === null ? null : res.answeredAt - lastSentAt,
          intervalMs,
          early,
          duplicate: copies > 1,
          lost: res.lost,
          refused: res.tries.filter((attempt) => attempt.outcome === 'refused').length,
          afterUncertain,
          status: res.status,
          ...(error ? { error } : {}),
        });
        if (res.lost > 0 || isUnavailable(res)) {
          uncertain = true;
          previousUncertain = true;
        }
        if (res.status === 200) {
          flow.tokens++;
          if (!str(res, 'access_token')) {
            this.ledger.surprise('token.device', res, 'a 200 carries an access token');
          }
          this.ledger.accessToken(res.json?.access_token);
        } else if (error === 'slow_down') {
          slowDown = true;
        } else if (
          error === 'invalid_grant' &&
          str(res, 'error_description') === 'Device code already used'
        ) {
          // The code was redeemed: by a concurrent copy, or by a try whose answer was lost.
          if (copies === 1 && !uncertain) {
            this.ledger.surprise('token.device', res, 'a device code redeemed by nobody we saw');
          }
        } else if (!(error === 'authorization_pending' && !flow.approved)) {
          if (!this.traffic.retryable('token.device', res)) {
            this.ledger.surprise(
              'token.device',
              res,
              'pending, slow_down, one 200 once approved, already used for the losing copy, or 503',
            );
          }
        }
      }
      // RFC 8628 §3.5: every later poll waits 5 s more.
      if (slowDown) intervalMs += SLOW_DOWN_STEP_MS;
      lastAnswerAt = Math.max(...answers.map((a) => a.answeredAt));
      lastSentAt = sentAt;
    };

    // The first poll may come at once (the user has not answered yet).
    await poll(1, false);
    if (flow.id % EARLY_POLL_EVERY === 0 && !this.stopping) await poll(1, true);

    flow.approved = await this.approve(userCode);
    if (!flow.approved) return;

    let polls = 0;
    while (flow.tokens === 0 && !this.stopping) {
      if (++polls > MAX_POLLS) {
        this.traffic.failures.push(`device flow ${flow.id}: no tokens after ${MAX_POLLS} polls`);
        flow.finished = true;
        return;
      }
      const due = (lastAnswerAt ?? 0) + intervalMs;
      if (this.elapsed() < due) await sleep(due - this.elapsed());
      const before = flow.polls.length;
      await poll(polls === 1 && flow.id % DUPLICATE_EVERY === 0 ? 2 : 1, false);
      if (
        flow.tokens === 0 &&
        flow.polls
          .slice(before)
          .some((p) => p.error === 'invalid_grant' && (uncertain || p.duplicate))
      ) {
        flow.redeemedUnseen = true;
        break;
      }
    }
    if (flow.tokens > 0 || flow.redeemedUnseen) flow.finished = true;
  }

  /** POST /device_authorization as the CLI; retried while answered 503. */
  private async authorize(): Promise<{
    deviceCode: string;
    userCode: string;
    interval: number;
  } | null> {
    const since = this.elapsed();
    while (!this.stopping) {
      const res = await this.client.send('device.authorize', {
        method: 'POST',
        path: '/device_authorization',
        headers: { 'content-type': FORM },
        body: new URLSearchParams({
          client_id: this.clientId ?? '',
          scope: 'openid profile api',
        }).toString(),
      });
      const deviceCode = str(res, 'device_code');
      const userCode = str(res, 'user_code');
      const interval = res.json?.interval;
      if (res.status === 200 && deviceCode && userCode && typeof interval === 'number') {
        return { deviceCode, userCode, interval };
      }
      if (!this.traffic.retryable('device.authorize', res)) {
        this.ledger.surprise('device.authorize', res, 'a device authorization (200) or 503');
        return null;
      }
      await this.traffic.afterServerError(since, 'device.authorize', res);
    }
    return null;
  }

  /**
   * The user's browser at /device, signed in as user0, from an address of its own: looks the
   * code up, then confirms it. True once approved (a retried approval whose first try was lost
   * or answered 503 may find the code already answered: by that try).
   */
  private async approve(userCode: string): Promise<boolean> {
    const address = `10.77.${Math.floor(this.nextAddress / 250)}.${(this.nextAddress % 250) + 1}`;
    this.nextAddress++;
    for (const action of ['lookup', 'approve'] as const) {
      const since = this.elapsed();
      let uncertain = false;
      for (;;) {
        if (this.stopping) return false;
        const page = await this.client.send('device.verify', {
          method: 'GET',
          path: '/device',
          headers: {
            cookie: this.traffic.session,
            accept: 'text/html',
            'x-forwarded-for': address,
          },
        });
        const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
        if (page.status !== 200 || !csrf) {
          if (this.traffic.retryable('device.verify', page)) {
            await this.traffic.afterServerError(since, 'device.verify', page);
            continue;
          }
          this.ledger.surprise('device.verify', page, 'the verification form (200) or 503');
          return false;
        }
        // The CSRF cookies the page set (its token's, and the pre-session it is signed for) go back.
        const cookies = page.setCookie.map((line) => line.split(';')[0].trim());
        const res = await this.client.send('device.verify', {
          method: 'POST',
          path: '/device',
          headers: {
            'content-type': FORM,
            accept: 'text/html',
            cookie: [this.traffic.session, ...cookies].join('; '),
            'x-forwarded-for': address,
          },
          body: new URLSearchParams({ user_code: userCode, action, csrf_token: csrf }).toString(),
        });
        if (res.status === 200) break;
        // A try lost, or answered 503 (the database went between the write and the answer),
        // may have recorded the approval: its retry then finds the code answered.
        if (res.lost > 0) uncertain = true;
        if (
          action === 'approve' &&
          uncertain &&
          res.status === 400 &&
          res.text.includes('That code has already been answered.')
        ) {
          break;
        }
        if (this.traffic.retryable('device.verify', res)) {
          uncertain = true;
          await this.traffic.afterServerError(since, 'device.verify', res);
          continue;
        }
        this.ledger.surprise('device.verify', res, `POST /device ${action}: 200 or 503`);
        return false;
      }
    }
    return true;
  }
}
