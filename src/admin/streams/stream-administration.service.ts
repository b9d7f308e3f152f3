import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { SsfEventRepository } from '../../signals/outbox/ssf-event.repository';
import { PUSH_DELIVERY } from '../../signals/ssf-events';
import type { StreamStatus } from '../../signals/streams/stream';
import { StreamRepository } from '../../signals/streams/stream.repository';

/** Where a stream stands in a list by creation time then id. */
export interface StreamPosition {
  readonly at: Date;
  readonly id: string;
}

/**
 * One receiver's stream as an operator sees it: how it is delivered, whether it is on, and what
 * waits for it. Never its authorization header, nor a SET.
 */
export interface ListedStream {
  readonly streamId: string;
  readonly receiver: string;
  readonly delivery: 'push' | 'poll';
  /** A push stream's endpoint_url (a poll stream is polled at /ssf/poll/<stream_id>). */
  readonly endpointUrl?: string;
  readonly status: StreamStatus;
  readonly statusReason?: string;
  readonly eventsDelivered: readonly string[];
  readonly createdAt: Date;
  /** SETs waiting (not yet accepted or acknowledged), and how long the oldest has waited. */
  readonly pending: number;
  readonly lagSeconds: number | null;
}

/**
 * `proofgate-admin streams list` and `GET /admin/v1/streams` (issue #80): the receivers' Shared
 * Signals streams, oldest first, each with its status and what waits for it. A stream is its
 * receiver's to change (SSF 1.0 §8); an operator removes a receiver's client, or its
 * `ssf_receiver`, and its streams go with it (`removeReceiver`).
 */
@Injectable()
export class StreamAdministration {
  constructor(
    private readonly streams: StreamRepository,
    private readonly outbox: SsfEventRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Deletes every stream of `receiver`, with its subjects and the SETs waiting for it: what an
   * operator who removes a receiver's client, or takes its `ssf_receiver` away, means (SSF 1.0
   * §8.1.1.5's deletion, made for the receiver, which can no longer make it). Resolves to how
   * many streams went.
   */
  async removeReceiver(receiver: string): Promise<number> {
    let removed = 0;
    for (const stream of await this.streams.list(receiver)) {
      if (!(await this.streams.delete(receiver, stream.streamId))) continue;
      removed += 1;
      await this.outbox.dropPending(stream.streamId, this.clock.now(), 'the receiver was removed');
    }
    return removed;
  }

  /** A page of streams after `after`, `limit` of them: two reads (the streams, their backlog). */
  async page(page: { after?: StreamPosition; limit: number }): Promise<ListedStream[]> {
    const streams = await this.streams.page(page.after, page.limit);
    if (streams.length === 0) return [];
    const backlog = new Map(
      (await this.outbox.backlog(streams.map((stream) => stream.streamId))).map((entry) => [
        entry.streamId,
        entry,
      ]),
    );
    const now = this.clock.now().getTime();
    return streams.map((stream) => {
      const waiting = backlog.get(stream.streamId);
      return {
        streamId: stream.streamId,
        receiver: stream.receiver,
        delivery: stream.delivery.method === PUSH_DELIVERY ? 'push' : 'poll',
        ...(stream.delivery.method === PUSH_DELIVERY && stream.delivery.endpointUrl !== undefined
          ? { endpointUrl: stream.delivery.endpointUrl }
          : {}),
        status: stream.status,
        ...(stream.statusReason !== undefined ? { statusReason: stream.statusReason } : {}),
        eventsDelivered: stream.eventsDelivered,
        createdAt: stream.createdAt,
        pending: waiting?.pending ?? 0,
        lagSeconds:
          waiting === undefined
            ? null
            : Math.max(0, Math.round((now - waiting.oldest.getTime()) / 1000)),
      };
    });
  }
}
