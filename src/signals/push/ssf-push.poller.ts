import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ClientRegistry } from '../../clients/client-registry.service';
import { SsfConfig } from '../../config/sections/ssf.config';
import { Clock } from '../../platform/clock/clock';
import { exponentialBackoffMs } from '../../platform/concurrency/backoff';
import { OutboxPoller } from '../../platform/outbox/outbox-poller';
import type { SsfEvent } from '../outbox/ssf-event';
import { SsfEventRepository } from '../outbox/ssf-event.repository';
import { DomainEvents } from '../../platform/events/domain-events';
import { SsfBacklogRead, SsfDeliveriesSettled, SsfEventsQueued } from '../signals.events';
import { StreamPresence } from '../streams/stream-presence';
import { StreamRepository } from '../streams/stream.repository';
import { SsfPushSender } from './ssf-push.sender';
import { isReceiver } from '../ssf-event.writer';

/** Push attempts one instance runs at once, each on a stream of its own. */
export const PUSH_WORKERS = { push: 4 } as const;
/** The longest wait between two attempts of one SET. */
export const MAX_RETRY_DELAY_MS = 5 * 60 * 1000;
/** Streams one claim looks at before it says nothing is due (others took them meanwhile). */
const CLAIM_TRIES = 4;

const OUTCOMES = { done: 'delivered', retrying: 'retrying', dead: 'given_up' } as const;

interface Claimed {
  readonly event: SsfEvent;
  readonly leaseUntil: Date;
}

/**
 * Each instance's poller of the `ssf_events` outbox's push rows (OutboxPoller). A stream is
 * attempted by one worker at a time across every instance (StreamRepository.hold), and only its
 * head, the oldest SET it has pending: a receiver gets its SETs in the order their causes came
 * (RFC 8935 leaves order to the transmitter; a receiver reads a stream as a sequence), and one
 * that was down gets them all, in that order, when it is back, within SSF_RETENTION_SECONDS. A
 * failure is retried with exponential backoff, the stream waiting for its head; the workers go
 * round the streams oldest SET first, so one receiver's backlog or a dead endpoint holds one
 * worker, never the others' streams. A paused stream's SETs wait; a disabled one's are dropped.
 *
 * Idle cost: most deployments have no push stream, and then the poller sends no command but one
 * read every SSF_PUSH_CHECK_INTERVAL_MS (StreamPresence.pushing: "does a push stream exist?").
 * Chosen over a slow poll of the outbox, which would cost the same read and delay every retry and
 * every row another process queued to the slow interval: while a push stream exists the poller
 * polls every SSF_POLL_INTERVAL_MS as before. What it may miss in between is bounded: a push row
 * is only queued for an existing push stream, and the instance that created the stream or
 * changed it to push, or queued the row, forgets its "none" at once (StreamPresence.changed) and
 * polls; another instance only learns of the stream within the interval, and proofgate-admin
 * (which runs no poller) queues rows that some instance already knowing the stream delivers.
 * Housekeeping (SETs past retention) runs only while any stream exists: with none, no row waits
 * (deleting a stream drops its rows).
 */
@Injectable()
export class SsfPushPoller extends OutboxPoller<'push', Claimed> {
  constructor(
    private readonly outbox: SsfEventRepository,
    private readonly streams: StreamRepository,
    private readonly presence: StreamPresence,
    private readonly sender: SsfPushSender,
    private readonly ssf: SsfConfig,
    private readonly events: DomainEvents,
    private readonly clients: ClientRegistry,
    clock: Clock,
  ) {
    super(new Logger(SsfPushPoller.name), clock, outbox, {
      name: 'SET push',
      workers: PUSH_WORKERS,
      pollIntervalMs: ssf.pollIntervalMs,
    });
  }

  @OnEvent(SsfEventsQueued.type)
  queued(event: SsfEventsQueued): void {
    if (event.push === 0) return;
    this.presence.changed();
    void this.poll();
  }

  /** Reads at once whether a push stream exists, so its first tick finds it known. */
  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    void this.poll();
  }

  protected async claim(): Promise<Claimed | null> {
    if (!(await this.presence.pushing())) return null;
    const now = this.clock.now();
    if ((await this.outbox.dueStream(now, [])) === null) return null;
    const leaseUntil = this.leaseEnd(now, this.ssf.timeoutMs);
    const excluded = await this.streams.unavailable(now);
    for (let tries = 0; tries < CLAIM_TRIES; tries++) {
      const streamId = await this.outbox.dueStream(now, excluded);
      if (streamId === null) return null;
      excluded.push(streamId);
      const head = await this.outbox.head(streamId);
      if (head === null || head.mode !== 'push') continue;
      if (!(await this.streams.hold(streamId, this.owner, now, leaseUntil))) continue;
      // Its head only: a later SET never overtakes one waiting for its retry.
      const event = await this.outbox.claim(head.jti, this.owner, now, leaseUntil);
      if (event) return { event, leaseUntil };
      await this.streams.release(streamId, this.owner, now);
    }
    return null;
  }

  protected async attempt({ event }: Claimed): Promise<void> {
    try {
      const [stream, known] = await Promise.all([
        this.streams.find(event.receiver, event.streamId),
        isReceiver(this.clients, event.receiver),
      ]);
      const result = !stream
        ? { ok: false as const, error: 'the stream was deleted', permanent: true }
        : !known
          ? // Taken out of OAUTH_CLIENTS, or no longer a receiver there: nothing more is sent, and
            // the SET waits (retried as a failure) in case the entry comes back, until given up.
            {
              ok: false as const,
              error: 'the receiver is no longer a Shared Signals receiver here',
              permanent: false,
            }
          : await this.sender.send(event, stream.delivery);
      const settled = await this.settle(
        { ...event, deliveryId: event.jti },
        result,
        this.clock.now(),
        (attempts) => exponentialBackoffMs(this.ssf.firstRetryMs, attempts, MAX_RETRY_DELAY_MS),
      );
      if (settled === 'dead') {
        this.logger.warn(
          `SET ${event.jti} of stream ${event.streamId} given up after ${event.attempts} attempt(s)`,
        );
      }
      if (settled !== null) {
        const stream = { receiver: event.receiver, streamId: event.streamId };
        this.events.emit(new SsfDeliveriesSettled(stream, OUTCOMES[settled], 1));
      }
    } finally {
      await this.streams.release(event.streamId, this.owner, this.clock.now());
    }
  }

  /**
   * SETs past their retention, given up (a receiver down longer misses them); then what waits
   * for each stream, for its metrics (one aggregation, every OUTBOX_HOUSEKEEPING_INTERVAL_MS,
   * only while a stream exists: with none, nothing waits).
   */
  protected async housekeep(now: Date): Promise<void> {
    if (!(await this.presence.anyForHousekeeping())) {
      this.events.emit(new SsfBacklogRead([]));
      return;
    }
    const givenUp = await this.outbox.giveUpOverdue(now);
    if (givenUp > 0) this.logger.warn(`${givenUp} SET(s) given up past SSF_RETENTION_SECONDS`);
    const backlog = await this.outbox.backlog();
    this.events.emit(
      new SsfBacklogRead(
        backlog.map(({ receiver, streamId, pending, oldest }) => ({
          receiver,
          streamId,
          pending,
          lagSeconds: Math.max(0, (now.getTime() - oldest.getTime()) / 1000),
        })),
      ),
    );
  }
}
