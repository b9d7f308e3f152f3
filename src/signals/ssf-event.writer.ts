import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ClientRegistry } from '../clients/client-registry.service';
import {
  AccountEmailChanged,
  AccountLockDownLifted,
  AccountLockedDown,
  PasswordChanged,
  SignInMethodLinked,
  SignInMethodUnlinked,
} from '../accounts/account.events';
import { ServerConfig } from '../config/sections/server.config';
import { SsfConfig } from '../config/sections/ssf.config';
import { Clock } from '../platform/clock/clock';
import { DomainEvents } from '../platform/events/domain-events';
import { LoginSessionEnded, SessionAssuranceRaised } from '../sessions/session.events';
import { RefreshFamilyRevoked } from '../tokens/grants/grant.events';
import type { NewSsfEvent } from './outbox/ssf-event';
import { SsfEventRepository } from './outbox/ssf-event.repository';
import { setClaims, verificationClaims } from './set-claims';
import {
  type SignalCause,
  accountDisabled,
  accountEnabled,
  assuranceLevelChange,
  credentialChange,
  credentialCompromise,
  emailChange,
  passwordUpdate,
  sessionRevoked,
} from './signal-causes';
import { SsfEventsQueued } from './signals.events';
import { PUSH_DELIVERY } from './ssf-events';
import type { Stream } from './streams/stream';
import { StreamPresence } from './streams/stream-presence';
import { StreamRepository } from './streams/stream.repository';

/** Awaited by the emitter (`emitAndWait`): the rows are written before the cause answers. */
const AWAITED = { async: false, promisify: true, suppressErrors: false } as const;

/**
 * Writes the Security Event Tokens of each cause to the `ssf_events` outbox (issue #80), one row
 * per (cause, stream) for every stream that delivers its event and covers its account. It
 * listens to the domain events the causes emit with `emitAndWait`, so its rows are written before
 * the cause's request answers, as the logout outbox's are (SessionLogout.finish); a failed write
 * fails that request, which is then tried again (the rows' keys make a second write a no-op).
 */
@Injectable()
export class SsfEventWriter {
  constructor(
    private readonly streams: StreamRepository,
    private readonly presence: StreamPresence,
    private readonly outbox: SsfEventRepository,
    private readonly server: ServerConfig,
    private readonly ssf: SsfConfig,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly clients: ClientRegistry,
  ) {}

  @OnEvent(LoginSessionEnded.type, AWAITED)
  sessionEnded(event: LoginSessionEnded): Promise<void> {
    return this.write(sessionRevoked(event));
  }

  @OnEvent(SignInMethodLinked.type, AWAITED)
  methodLinked(event: SignInMethodLinked): Promise<void> {
    return this.write(credentialChange(event, 'create'));
  }

  @OnEvent(SignInMethodUnlinked.type, AWAITED)
  methodUnlinked(event: SignInMethodUnlinked): Promise<void> {
    return this.write(credentialChange(event, 'delete'));
  }

  @OnEvent(PasswordChanged.type, AWAITED)
  passwordChanged(event: PasswordChanged): Promise<void> {
    return this.write(passwordUpdate(event));
  }

  @OnEvent(AccountEmailChanged.type, AWAITED)
  async emailChanged(event: AccountEmailChanged): Promise<void> {
    for (const cause of emailChange(event)) await this.write(cause);
  }

  @OnEvent(SessionAssuranceRaised.type, AWAITED)
  assuranceRaised(event: SessionAssuranceRaised): Promise<void> {
    return this.write(assuranceLevelChange(event));
  }

  @OnEvent(AccountLockedDown.type, AWAITED)
  lockedDown(event: AccountLockedDown): Promise<void> {
    return this.write(accountDisabled(event));
  }

  @OnEvent(AccountLockDownLifted.type, AWAITED)
  lockDownLifted(event: AccountLockDownLifted): Promise<void> {
    return this.write(accountEnabled(event));
  }

  @OnEvent(RefreshFamilyRevoked.type, AWAITED)
  refreshFamilyRevoked(event: RefreshFamilyRevoked): Promise<void> {
    return this.write(credentialCompromise(event));
  }

  /** SSF 1.0 §8.1.4: a verification SET for `stream`, on its receiver's request. */
  async verify(stream: Stream, state: string | undefined, causeKey: string): Promise<void> {
    const now = this.clock.now();
    await this.queue(
      [
        {
          causeKey,
          streamId: stream.streamId,
          receiver: stream.receiver,
          mode: modeOf(stream),
          claims: verificationClaims(
            this.server.issuer,
            stream.receiver,
            stream.streamId,
            state,
            now,
          ),
        },
      ],
      now,
    );
  }

  private async write(cause: SignalCause | undefined): Promise<void> {
    if (cause === undefined || !(await this.presence.any())) return;
    const covering = await this.ofKnownReceivers(
      await this.streams.covering(cause.event, cause.sub),
    );
    if (covering.length === 0) return;
    const now = this.clock.now();
    await this.queue(
      covering.map((stream) => ({
        causeKey: cause.key,
        streamId: stream.streamId,
        receiver: stream.receiver,
        mode: modeOf(stream),
        claims: setClaims(this.server.issuer, stream.receiver, cause, now),
      })),
      now,
    );
  }

  /**
   * The streams whose receiver is still a receiver client here: one taken out of OAUTH_CLIENTS,
   * or whose entry no longer says `ssf_receiver`, gets no more SETs (its streams stay until an
   * operator removes it, or the entry says so again). Lookups from the registry's memory as a
   * rule, one per receiver.
   */
  private async ofKnownReceivers(streams: readonly Stream[]): Promise<Stream[]> {
    const receivers = [...new Set(streams.map((stream) => stream.receiver))];
    const known = await Promise.all(receivers.map((id) => isReceiver(this.clients, id)));
    const unknown = new Set(receivers.filter((_, i) => !known[i]));
    return streams.filter((stream) => !unknown.has(stream.receiver));
  }

  private async queue(rows: readonly NewSsfEvent[], now: Date): Promise<void> {
    await this.outbox.enqueue(
      rows,
      now,
      new Date(now.getTime() + this.ssf.retentionSeconds * 1000),
    );
    const pushed = rows.filter((row) => row.mode === 'push').length;
    this.events.emit(
      new SsfEventsQueued(
        rows.map(({ receiver, streamId }) => ({ receiver, streamId })),
        pushed,
      ),
    );
  }
}

export function modeOf(stream: Stream): 'push' | 'poll' {
  return stream.delivery.method === PUSH_DELIVERY ? 'push' : 'poll';
}

/** Whether `clientId` is still a Shared Signals receiver client here (ClientRegistry's view). */
export async function isReceiver(clients: ClientRegistry, clientId: string): Promise<boolean> {
  return (await clients.find(clientId))?.ssfReceiver === true;
}
