import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../../challenges/challenge-store';
import type { ConsumeResult, StoredChallenge } from '../../../challenges/challenge';
import type { ChallengeKind } from '../../../proofs/proof-vocabulary';
import { Clock } from '../../../platform/clock/clock';
import { ChallengeConfig } from '../../../config/sections/challenges.config';
import {
  InvalidGrant,
  InvalidRequest,
  type ProtocolError,
} from '../../../platform/errors/protocol-error';
import type { DomainEvents } from '../../../platform/events/domain-events';
import { reportRefusals } from '../../../challenges/report-refusals';
import {
  type GrantTokenIssuer,
  type StartGrant,
  type TokenResponse,
  signedInGrant,
} from '../../../tokens/grants/grant-token.issuer';
import { grantIdForChallenge } from '../../../tokens/grants/grant';
import { checkRequestedResource } from '../../../tokens/grants/grant-resource';
import { OPENID_SCOPE, hasScope } from '../../../tokens/scopes';
import type { AuthMethod } from '../../../proofs/proof-vocabulary';
import type { SessionLogout } from '../../../sessions/logout/session-logout.service';
import type { ResourceClientIdCheck } from '../../resource/check-resource-client-id';
import { clientLabel } from '../../../clients/oauth-client';
import { GrantHandler, type GrantParameters, type TokenRequest } from '../grant';
import type { OAuthClient } from '../../../clients/oauth-client';
import type { ClientCharge } from '../../client-budget';
import {
  SLOW_DOWN_STEP_SECONDS,
  type PolledAuthorizationState,
} from '../../polling/polled-authorization-state';
import {
  AuthorizationPending,
  DeviceAccessDenied,
  ExpiredToken,
  SlowDown,
} from '../../polling/polling.errors';

/**
 * Polls that lose a compare-and-set to a concurrent poll (or to the person's answer) read the
 * state again; past this many, the client is polling concurrently with itself: `slow_down`.
 */
const POLL_ATTEMPTS = 3;

/**
 * One poll of a polled authorization, as RFC 8628 §3.5 (and CIBA Core §11, which reuses its
 * errors) says. `interval` is held with a compare-and-set on the time the next poll is due, so
 * concurrent polls cannot both be in time, and each early one lengthens the interval by 5
 * seconds. The usual poll (in time, the person not yet answered, the interval as issued) is that
 * compare-and-set alone: one command. Any other reads the state first (one read, one conditional
 * write). Resolves when the caller should redeem (approved, or not live any more: the store's
 * atomic consume then redeems once, or tells why not).
 */
@Injectable()
export class PolledAuthorizations {
  constructor(
    private readonly store: ChallengeStore,
    private readonly clock: Clock,
    private readonly challenges: ChallengeConfig,
  ) {}

  /** `polled.what` names the key in refusals ("Device code"). */
  async untilRedeemable(
    polled: Pick<PolledKey<GrantParameters>, 'kind' | 'what' | 'issuedInterval'>,
    key: string,
    client: OAuthClient,
    charge: ClientCharge,
  ): Promise<void> {
    const { kind, what } = polled;
    await this.pendingInTime(polled, key, client, charge);
    for (let attempt = 0; attempt < POLL_ATTEMPTS; attempt++) {
      const live = await this.store.peek<PolledAuthorizationState>(kind, key);
      if (!live) return;
      if (live.binding.client_id !== client.clientId) {
        throw new InvalidGrant(`${what} was issued to another client`).because('client_mismatch');
      }
      // The key proves its client (a public client has no other proof).
      charge.start();
      switch (live.payload.status) {
        case 'approved':
          return;
        case 'denied':
          throw new DeviceAccessDenied('The user denied the request').because('denied');
        case 'pending':
          if (await this.countPoll(kind, live)) continue;
      }
    }
    throw new SlowDown(`Concurrent polls of one ${lowerFirst(what)}; wait between polls`).because(
      'slow_down',
    );
  }

  /**
   * The usual poll in one command: a compare-and-set that holds only for a live request of this
   * client, still pending at the interval it was issued with, whose next poll is due; it moves
   * the next poll on. Answers authorization_pending when it held; returns, for the full poll,
   * when it did not (early, answered, slowed down, another client's, or not live).
   */
  private async pendingInTime(
    polled: Pick<PolledKey<GrantParameters>, 'issuedInterval' | 'kind'>,
    key: string,
    client: OAuthClient,
    charge: ClientCharge,
  ): Promise<void> {
    const interval = this.challenges[polled.issuedInterval];
    const now = this.clock.now();
    const moved = await this.store.updateIfDue<PolledAuthorizationState>(
      polled.kind,
      key,
      { client_id: client.clientId },
      { status: 'pending', interval },
      { field: 'pollableAt', at: now },
      { pollableAt: new Date(now.getTime() + interval * 1000) },
    );
    if (!moved) return;
    // The key proves its client (a public client has no other proof).
    charge.start();
    throw new AuthorizationPending('The user has not answered yet');
  }

  /**
   * Answers authorization_pending for a poll in time, slow_down (and 5 seconds more for this and
   * every later poll) for an early one. False when the state changed under it.
   */
  private async countPoll(
    kind: ChallengeKind,
    live: StoredChallenge<PolledAuthorizationState>,
  ): Promise<boolean> {
    const { interval, pollableAt } = live.payload;
    const now = this.clock.now().getTime();
    const early = now < pollableAt.getTime();
    const next = early ? interval + SLOW_DOWN_STEP_SECONDS : interval;
    const updated = await this.store.update<PolledAuthorizationState>(
      kind,
      live.keyHash,
      { client_id: live.binding.client_id },
      { status: 'pending', interval, pollableAt },
      { interval: next, pollableAt: new Date(now + next * 1000) },
    );
    if (!updated) return true;
    if (early) {
      throw new SlowDown(`Polled too fast; wait ${next} seconds between polls`).because(
        'slow_down',
      );
    }
    throw new AuthorizationPending('The user has not answered yet');
  }
}

/**
 * Why a polled key cannot be redeemed, as RFC 8628 §3.5 (and CIBA Core §11) and RFC 6749 §5.2
 * name it. `what` names the key ("Device code"), `restart` what the client does after expiry.
 */
export function redemptionRefusal(
  result: Exclude<ConsumeResult<unknown>, { ok: true }>,
  what: string,
  restart: string,
): ProtocolError {
  switch (result.reason) {
    case 'expired':
      return new ExpiredToken(`The ${lowerFirst(what)} expired; ${restart}`).because('expired');
    case 'replayed':
      return new InvalidGrant(`${what} already used`).because('replay');
    case 'binding_mismatch':
      return new InvalidGrant(`${what} was issued to another client`).because('client_mismatch');
    case 'unknown':
      return new InvalidGrant(`Invalid ${lowerFirst(what)}`).because('unknown_code');
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** What a polled grant polls: its challenge kind, the parameter carrying the key, its name. */
export interface PolledKey<Own extends GrantParameters> {
  readonly kind: ChallengeKind;
  /** The setting whose `interval` the keys are issued with (before any `slow_down`). */
  readonly issuedInterval: 'deviceCodeIntervalSeconds' | 'cibaIntervalSeconds';
  readonly parameter: keyof Own & string;
  /** How refusals name the key ("Device code", "auth_req_id"). */
  readonly what: string;
  /** What an expired key's client does next ("start a new device authorization"). */
  readonly restart: string;
}

/**
 * A grant the client polls while a person answers elsewhere (RFC 8628's device code, CIBA's
 * auth_req_id): its key required, every poll through PolledAuthorizations, and the refusals
 * reported under its kind (waiting for the person is none; polling too fast is). The grant says
 * what it polls and how an approved key is redeemed.
 */
export abstract class PolledGrant<
  Own extends GrantParameters,
  Payload extends PolledAuthorizationPayload,
> extends GrantHandler<Own> {
  protected abstract readonly polled: PolledKey<Own>;
  protected abstract readonly store: ChallengeStore;
  protected abstract readonly events: DomainEvents;
  protected abstract readonly polls: PolledAuthorizations;
  protected abstract readonly issuer: GrantTokenIssuer;
  protected abstract readonly resourceClientIds: ResourceClientIdCheck;
  protected abstract readonly sessionLogout: SessionLogout;
  protected abstract readonly clock: Clock;

  handle(
    client: OAuthClient,
    request: TokenRequest<Own>,
    charge: ClientCharge,
    dpopJkt?: string,
  ): Promise<TokenResponse> {
    const { kind, parameter, what, restart } = this.polled;
    return reportRefusals(
      this.events,
      {
        kind,
        client: clientLabel(client),
        counts: (error) => !(error instanceof AuthorizationPending),
      },
      async () => {
        const key = request[parameter];
        if (key === undefined) throw new InvalidRequest(`${parameter} is required`);
        await this.polls.untilRedeemable(this.polled, key, client, charge);
        // Approved is final: the one atomic consume is the one redemption, bound to the client.
        const result = await this.store.consume<Payload>(kind, key, {
          client_id: client.clientId,
        });
        if (!result.ok) throw redemptionRefusal(result, what, restart);
        return this.redeem(client, result.challenge, request, dpopJkt);
      },
    );
  }

  /**
   * The tokens of a redeemed key: approved, else refused (a key denied is not redeemed). The
   * grant opens with the approving sign-in (`sub`, method, `amr`, `auth_time`, the session's
   * `sid`) and what the grant adds (`grantFields`); an ID token when the scope has `openid`
   * (OpenID Connect Core §3.1.3.3; CIBA Core 1.0 §10.1.1, whose requests always have it).
   */
  private async redeem(
    client: OAuthClient,
    { keyHash, payload }: StoredChallenge<Payload>,
    request: TokenRequest<Own>,
    dpopJkt: string | undefined,
  ): Promise<TokenResponse> {
    const { sub, authMethod, sid } = payload;
    if (payload.status !== 'approved' || sub === undefined || authMethod === undefined) {
      throw new InvalidGrant(`Invalid ${lowerFirst(this.polled.what)}`).because('unknown_code');
    }
    const resource = checkRequestedResource([payload.resource], request.resource);
    await this.resourceClientIds.refuseClientId(client, resource);
    const authTime = payload.authTime ?? Math.floor(this.clock.now().getTime() / 1000);
    const grantId = grantIdForChallenge(keyHash);
    return this.issuer.startGrant(
      {
        ...signedInGrant(grantId, client.clientId, { ...payload, sub, authMethod }),
        resource,
        authTime: new Date(authTime * 1000),
        ...(sid === undefined ? {} : { sid }),
        ...this.grantFields(payload),
      },
      hasScope(payload.scope, OPENID_SCOPE)
        ? {
            authTime,
            ...(payload.amr ? { amr: payload.amr } : {}),
            ...(sid ? { sid } : {}),
            alg: client.idTokenSignedResponseAlg,
          }
        : undefined,
      dpopJkt === undefined ? undefined : { jkt: dpopJkt, bindRefresh: client.type === 'public' },
      // After the grant's write, beside the lock-down check: the session that approved the key,
      // ended meanwhile, takes the grant with it.
      sid === undefined ? undefined : () => this.sessionLogout.refuseIfEnded(sid, grantId),
    );
  }

  /** What this grant adds to the grant it opens from an approved key. */
  protected abstract grantFields(approved: Payload): Partial<StartGrant>;
}

/**
 * A polled key's payload: its state, the request's scope and resource, and, once a person
 * approved it, their sign-in.
 */
export interface PolledAuthorizationPayload extends PolledAuthorizationState {
  scope: string;
  /** RFC 8707: the resource the tokens will be for. */
  resource: string;
  sub?: string;
  authMethod?: AuthMethod;
  methodKey?: string;
  amr?: string[];
  /** OpenID Connect `auth_time`, seconds since the epoch. */
  authTime?: number;
  /** The approving login session's `sid`: its logout reaches the grant. */
  sid?: string;
}
