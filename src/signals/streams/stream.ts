import type { DefaultSubjects } from '../../config/sections/ssf.config';
import type { DeliveryMethod } from '../ssf-events';

/** SSF 1.0 §8.1.2: a stream's status. */
export const STREAM_STATUSES = ['enabled', 'paused', 'disabled'] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];

/** How a stream's SETs reach its receiver (SSF 1.0 §8.1.1 `delivery`). */
export interface StreamDelivery {
  readonly method: DeliveryMethod;
  /** Push: the receiver's endpoint. Poll: absent here (the transmitter's poll URL is derived). */
  readonly endpointUrl?: string;
  /**
   * Push: the `Authorization` header value to send with each SET, as the receiver gave it. A
   * secret of the receiver's: stored sealed, sent, never answered back, logged or audited.
   */
  readonly authorizationHeader?: string;
  /**
   * Push: the stored `authorization_header` does not open with this KEY_ENCRYPTION_SECRET (it
   * was sealed under another, or altered): no push is sent until the receiver gives it again.
   */
  readonly authorizationHeaderUnreadable?: true;
}

/**
 * One receiver's event stream (SSF 1.0 §8): what it asked for and gets, how it is delivered, its
 * status, and whom it covers (`defaultSubjects`, and the subjects added to it).
 */
export interface Stream {
  readonly streamId: string;
  /** The receiver client that created it: the only one that sees or changes it. */
  readonly receiver: string;
  readonly delivery: StreamDelivery;
  readonly eventsRequested: readonly string[];
  readonly eventsDelivered: readonly string[];
  readonly description?: string;
  readonly status: StreamStatus;
  readonly statusReason?: string;
  readonly defaultSubjects: DefaultSubjects;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What a receiver sets on its stream (SSF 1.0 §8.1.1: the receiver-supplied properties). */
export interface StreamSettings {
  readonly delivery: StreamDelivery;
  readonly eventsRequested: readonly string[];
  readonly description?: string;
}

/** A subject added to a stream: its key (subjectKey), and the account it names, when known. */
export interface StreamSubject {
  readonly key: string;
  /** The account's subject; absent when the subject named no account when it was added. */
  readonly sub?: string;
}
