import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { SsfConfig } from '../../config/sections/ssf.config';
import { Clock } from '../../platform/clock/clock';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { DomainEvents } from '../../platform/events/domain-events';
import { SsfDeliveriesSettled } from '../signals.events';
import type { SetError, SsfEvent } from '../outbox/ssf-event';
import { SsfEventRepository } from '../outbox/ssf-event.repository';
import { SetSigner } from '../set-signer';
import { POLL_DELIVERY } from '../ssf-events';
import type { Stream } from './stream';
import { SsfStreams } from './ssf-streams.service';

/** RFC 8936 §2.4: at most this many SETs in one answer, whatever `maxEvents` says. */
export const MAX_EVENTS = 100;
/** How often a long poll looks for a SET while it waits. */
const LONG_POLL_STEP_MS = 500;

export interface PollRequest {
  readonly ack?: readonly string[];
  readonly setErrs?: Readonly<Record<string, unknown>>;
  readonly maxEvents?: number;
  readonly returnImmediately?: boolean;
}

export interface PollAnswer {
  readonly sets: Record<string, string>;
  readonly moreAvailable?: boolean;
}

/** RFC 8936 §2.4 `setErrs`: `{ "<jti>": { "err": ..., "description": ... } }`, checked. */
export function setErrorsOf(value: Readonly<Record<string, unknown>> | undefined): SetError[] {
  if (value === undefined) return [];
  const entries = Object.entries(value);
  if (entries.length > 1000) throw new InvalidRequest('setErrs names at most 1000 SETs');
  return entries.map(([jti, error]) => {
    const { err, description } = (error ?? {}) as { err?: unknown; description?: unknown };
    if (typeof err !== 'string' || (description !== undefined && typeof description !== 'string')) {
      throw new InvalidRequest(`setErrs.${jti} must be { "err": string, "description": string }`);
    }
    return { jti, err, description: description ?? '' };
  });
}

/**
 * A receiver's poll of its stream (RFC 8936 §2): the SETs it acknowledges are delivered (gone from
 * later polls), those it refuses (`setErrs`) given up; then its oldest pending SETs, up to
 * `maxEvents`, each signed, keyed by `jti`. Unacknowledged SETs come again in the next poll, until
 * SSF_RETENTION_SECONDS after their cause. A paused stream answers none (they wait). Unless
 * `returnImmediately` is true (RFC 8936 §2.1: it defaults to false), a poll with nothing to answer,
 * a paused or disabled stream's included, waits up to SSF_LONG_POLL_MS for one.
 */
@Injectable()
export class SsfPolls {
  constructor(
    private readonly streams: SsfStreams,
    private readonly outbox: SsfEventRepository,
    private readonly signer: SetSigner,
    private readonly ssf: SsfConfig,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  async poll(receiver: string, streamId: string, request: PollRequest): Promise<PollAnswer> {
    const stream = await this.streams.read(receiver, streamId);
    if (stream.delivery.method !== POLL_DELIVERY) {
      throw new InvalidRequest('This stream is delivered by push, not polled');
    }
    const errors = setErrorsOf(request.setErrs);
    const now = this.clock.now();
    const acknowledged = await this.outbox.acknowledge(streamId, request.ack ?? [], now);
    const refused = await this.outbox.refuse(streamId, errors, now);
    const settled = { receiver, streamId };
    if (acknowledged > 0) {
      this.events.emit(new SsfDeliveriesSettled(settled, 'delivered', acknowledged));
    }
    if (refused > 0) this.events.emit(new SsfDeliveriesSettled(settled, 'given_up', refused));
    const max = Math.min(request.maxEvents ?? MAX_EVENTS, MAX_EVENTS);
    if (max === 0) return { sets: {}, moreAvailable: false };
    // RFC 8936 §2.1: `returnImmediately` is false unless sent true, so a poll waits by default.
    const deadline = now.getTime() + (request.returnImmediately === true ? 0 : this.ssf.longPollMs);
    let current = stream;
    let pending = await this.deliverable(current, max + 1);
    while (pending.length === 0 && this.clock.now().getTime() + LONG_POLL_STEP_MS <= deadline) {
      await sleep(LONG_POLL_STEP_MS);
      // A paused or disabled stream has nothing to deliver: it waits as an empty one does, and
      // answers the SETs it holds if it is enabled while the poll waits.
      if (current.status !== 'enabled') current = await this.streams.read(receiver, streamId);
      pending = await this.deliverable(current, max + 1);
    }
    const sets: Record<string, string> = {};
    for (const event of pending.slice(0, max))
      sets[event.jti] = await this.signer.sign(event.claims);
    return { sets, moreAvailable: pending.length > max };
  }

  /** The stream's oldest SETs due to the receiver, up to `limit`: none while it is not enabled. */
  private async deliverable(stream: Stream, limit: number): Promise<SsfEvent[]> {
    if (stream.status !== 'enabled') return [];
    return this.outbox.pending(stream.streamId, this.clock.now(), limit);
  }
}
