import { Injectable } from '@nestjs/common';
import { emailMethodKey } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { LogoutConfig } from '../../config/sections/logout.config';
import { ServerConfig } from '../../config/sections/server.config';
import { SsfConfig } from '../../config/sections/ssf.config';
import { Clock } from '../../platform/clock/clock';
import { randomToken } from '../../platform/crypto/hashing';
import { Conflict, InvalidRequest, NotFound } from '../../platform/errors/protocol-error';
import { SsfEventRepository } from '../outbox/ssf-event.repository';
import { SsfEventWriter, modeOf } from '../ssf-event.writer';
import { POLL_DELIVERY, PUSH_DELIVERY, SUPPORTED_EVENTS, eventsDelivered } from '../ssf-events';
import { type SubjectId, parseSubject, subjectKey } from '../subject-id';
import type { Stream, StreamDelivery, StreamSettings, StreamStatus } from './stream';
import { StreamPresence } from './stream-presence';
import { StreamRepository } from './stream.repository';

/** What a receiver sends to set a stream (the DTOs' fields, checked here). */
export interface StreamSettingsInput {
  readonly delivery?: {
    readonly method: string;
    readonly endpoint_url?: string;
    readonly authorization_header?: string;
  };
  readonly events_requested?: readonly string[];
  readonly description?: string;
  /** SSF 1.0 §8.1.1.3, §8.1.1.4: transmitter-supplied, sent back as read (`checkTransmitterSupplied`). */
  readonly iss?: string;
  readonly aud?: readonly string[];
  readonly events_supported?: readonly string[];
  readonly events_delivered?: readonly string[];
  readonly min_verification_interval?: number;
  readonly inactivity_timeout?: number;
}

/**
 * The stream management API's use cases (SSF 1.0 §8), for one receiver at a time: a stream that
 * is not the caller's is answered `404`, as one that does not exist.
 */
@Injectable()
export class SsfStreams {
  constructor(
    private readonly streams: StreamRepository,
    private readonly presence: StreamPresence,
    private readonly outbox: SsfEventRepository,
    private readonly writer: SsfEventWriter,
    private readonly accounts: AccountService,
    private readonly server: ServerConfig,
    private readonly ssf: SsfConfig,
    private readonly logout: LogoutConfig,
    private readonly clock: Clock,
  ) {}

  /** SSF 1.0 §8.1.1.1. */
  async create(receiver: string, input: StreamSettingsInput): Promise<Stream> {
    const now = this.clock.now();
    const settings = this.settingsOf(input, undefined);
    this.checkTransmitterSupplied(input, receiver, eventsDelivered(settings.eventsRequested));
    const stream: Stream = {
      streamId: randomToken(16),
      receiver,
      ...settings,
      eventsDelivered: eventsDelivered(settings.eventsRequested),
      status: 'enabled',
      defaultSubjects: this.ssf.defaultSubjects,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.streams.create(stream, this.ssf.maxStreamsPerReceiver))) {
      throw new Conflict(
        `A receiver has at most ${this.ssf.maxStreamsPerReceiver} streams (SSF_MAX_STREAMS_PER_RECEIVER); delete one first`,
      );
    }
    await this.presence.created();
    return stream;
  }

  /** SSF 1.0 §8.1.1.2. */
  async read(receiver: string, streamId: string): Promise<Stream> {
    const stream = await this.streams.find(receiver, streamId);
    if (!stream) throw new NotFound('No such stream');
    return stream;
  }

  list(receiver: string): Promise<Stream[]> {
    return this.streams.list(receiver);
  }

  /**
   * SSF 1.0 §8.1.1.3 (`replace` false: the properties sent change, the others stay) and §8.1.1.4
   * (`replace` true: the receiver's properties are exactly those sent).
   */
  async change(
    receiver: string,
    streamId: string,
    input: StreamSettingsInput,
    replace: boolean,
  ): Promise<Stream> {
    const current = await this.read(receiver, streamId);
    this.checkTransmitterSupplied(input, receiver, current.eventsDelivered);
    const settings = this.settingsOf(
      replace ? input : { ...this.inputOf(current), ...sent(input) },
      current.delivery,
    );
    const changed: Stream = {
      ...current,
      ...settings,
      ...(settings.description === undefined ? { description: undefined } : {}),
      eventsDelivered: eventsDelivered(settings.eventsRequested),
      updatedAt: this.clock.now(),
    };
    if (!(await this.streams.save(changed))) throw new NotFound('No such stream');
    if (modeOf(changed) !== modeOf(current)) {
      await this.outbox.setMode(streamId, modeOf(changed));
      this.presence.changed();
    }
    return changed;
  }

  /** SSF 1.0 §8.1.1.5: the stream, its subjects and its waiting SETs go. */
  async delete(receiver: string, streamId: string): Promise<void> {
    if (!(await this.streams.delete(receiver, streamId))) throw new NotFound('No such stream');
    await this.outbox.dropPending(streamId, this.clock.now(), 'the stream was deleted');
  }

  /**
   * SSF 1.0 §8.1.2.2: `paused` holds the stream's SETs until it is enabled again; `disabled`
   * drops those waiting and queues none while it stays so.
   */
  async setStatus(
    receiver: string,
    streamId: string,
    status: StreamStatus,
    reason: string | undefined,
  ): Promise<Stream> {
    const now = this.clock.now();
    const stream = await this.streams.setStatus(receiver, streamId, status, reason, now);
    if (!stream) throw new NotFound('No such stream');
    if (status === 'disabled')
      await this.outbox.dropPending(streamId, now, 'the stream was disabled');
    return stream;
  }

  /**
   * SSF 1.0 §8.1.3.2: the stream also covers the account `subject` names, whatever its
   * `default_subjects`. A subject that names no account here is recorded all the same (the
   * answer does not tell which accounts exist) and never matches.
   */
  async addSubject(receiver: string, streamId: string, subject: unknown): Promise<void> {
    await this.read(receiver, streamId);
    const parsed = parseSubject(subject);
    const sub = await this.accountOf(parsed);
    const added = await this.streams.addSubject(
      streamId,
      { key: subjectKey(parsed), ...(sub !== undefined ? { sub } : {}) },
      this.ssf.maxSubjectsPerStream,
    );
    if (!added) {
      throw new InvalidRequest(
        `A stream has at most ${this.ssf.maxSubjectsPerStream} subjects added (SSF_MAX_SUBJECTS_PER_STREAM)`,
      );
    }
  }

  /** SSF 1.0 §8.1.3.3. */
  async removeSubject(receiver: string, streamId: string, subject: unknown): Promise<void> {
    await this.read(receiver, streamId);
    await this.streams.removeSubject(streamId, subjectKey(parseSubject(subject)));
  }

  /** SSF 1.0 §8.1.4.2: a verification SET is queued for the stream, with `state`. */
  async verify(receiver: string, streamId: string, state: string | undefined): Promise<void> {
    const stream = await this.read(receiver, streamId);
    if (stream.status === 'disabled') {
      throw new InvalidRequest('The stream is disabled: enable it to verify it');
    }
    await this.writer.verify(stream, state, `verification:${randomToken(12)}`);
  }

  /** The transmitter's poll URL of a poll stream (RFC 8936), what `endpoint_url` says for it. */
  pollUrl(streamId: string): string {
    return `${this.server.issuer}/ssf/poll/${streamId}`;
  }

  /** The stream's configuration as SSF 1.0 §8.1.1 answers it (never its authorization header). */
  configuration(stream: Stream): Record<string, unknown> {
    return {
      stream_id: stream.streamId,
      iss: this.server.issuer,
      aud: stream.receiver,
      events_supported: SUPPORTED_EVENTS,
      events_requested: stream.eventsRequested,
      events_delivered: stream.eventsDelivered,
      delivery: {
        method: stream.delivery.method,
        endpoint_url:
          stream.delivery.method === POLL_DELIVERY
            ? this.pollUrl(stream.streamId)
            : stream.delivery.endpointUrl,
      },
      ...(stream.description !== undefined ? { description: stream.description } : {}),
    };
  }

  private async accountOf(subject: SubjectId): Promise<string | undefined> {
    switch (subject.format) {
      case 'iss_sub':
        return subject.iss === this.server.issuer ? subject.sub : undefined;
      case 'opaque':
        return subject.id;
      case 'email':
        // An address is an account's method only once verified (email sign-in).
        return (await this.accounts.findMethod(emailMethodKey(subject.email)))?.sub;
    }
  }

  /**
   * SSF 1.0 §8.1.1.3, §8.1.1.4: a transmitter-supplied property may be sent (a configuration read
   * and sent back as is), but must match the stream's value; one that does not is refused, never
   * ignored. Lists match whatever their order; `aud` is the receiver's client_id.
   */
  private checkTransmitterSupplied(
    input: StreamSettingsInput,
    receiver: string,
    delivered: readonly string[],
  ): void {
    const mismatch = (name: string) =>
      new InvalidRequest(
        `${name} does not match the stream's: send a transmitter-supplied property as read, or leave it out`,
      );
    if (input.iss !== undefined && input.iss !== this.server.issuer) throw mismatch('iss');
    if (input.aud !== undefined && !sameSet(input.aud, [receiver])) throw mismatch('aud');
    if (input.events_supported !== undefined && !sameSet(input.events_supported, SUPPORTED_EVENTS))
      throw mismatch('events_supported');
    if (input.events_delivered !== undefined && !sameSet(input.events_delivered, delivered))
      throw mismatch('events_delivered');
    for (const name of ['min_verification_interval', 'inactivity_timeout'] as const) {
      if (input[name] !== undefined) {
        throw new InvalidRequest(`${name} is not set for this stream: leave it out`);
      }
    }
  }

  private inputOf(stream: Stream): StreamSettingsInput {
    return {
      delivery: {
        method: stream.delivery.method,
        ...(stream.delivery.endpointUrl !== undefined
          ? { endpoint_url: stream.delivery.endpointUrl }
          : {}),
        ...(stream.delivery.authorizationHeader !== undefined
          ? { authorization_header: stream.delivery.authorizationHeader }
          : {}),
      },
      events_requested: stream.eventsRequested,
      ...(stream.description !== undefined ? { description: stream.description } : {}),
    };
  }

  /** The settings `input` asks for, checked; no delivery: poll (SSF 1.0 §8.1.1.1 lets us choose). */
  private settingsOf(
    input: StreamSettingsInput,
    _current: StreamDelivery | undefined,
  ): StreamSettings {
    return {
      delivery: this.deliveryOf(input.delivery),
      eventsRequested: [...new Set(input.events_requested ?? [])],
      ...(input.description !== undefined ? { description: input.description } : {}),
    };
  }

  private deliveryOf(delivery: StreamSettingsInput['delivery']): StreamDelivery {
    if (delivery === undefined || delivery.method === POLL_DELIVERY)
      return { method: POLL_DELIVERY };
    if (delivery.method !== PUSH_DELIVERY) {
      throw new InvalidRequest(`delivery.method must be ${PUSH_DELIVERY} or ${POLL_DELIVERY}`);
    }
    if (delivery.endpoint_url === undefined) {
      throw new InvalidRequest('A push stream needs delivery.endpoint_url (RFC 8935)');
    }
    this.checkEndpoint(delivery.endpoint_url);
    return {
      method: PUSH_DELIVERY,
      endpointUrl: delivery.endpoint_url,
      ...(delivery.authorization_header !== undefined
        ? { authorizationHeader: delivery.authorization_header }
        : {}),
    };
  }

  /**
   * An absolute https URL without credentials or fragment; plain http only where logout URIs may
   * be (BACKCHANNEL_LOGOUT_ALLOW_PRIVATE). Each push still goes through the SSRF guard.
   */
  private checkEndpoint(value: string): void {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidRequest('delivery.endpoint_url must be an absolute URL');
    }
    const scheme =
      url.protocol === 'https:' || (url.protocol === 'http:' && this.logout.allowPrivate);
    if (!scheme || url.username !== '' || url.password !== '' || url.hash !== '') {
      throw new InvalidRequest(
        this.logout.allowPrivate
          ? 'delivery.endpoint_url must be an http(s) URL without credentials or fragment'
          : 'delivery.endpoint_url must be an https URL without credentials or fragment',
      );
    }
  }
}

/** The properties a request sent: a DTO's absent fields may be there, undefined. */
function sent(input: StreamSettingsInput): StreamSettingsInput {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

/** The same texts, whatever their order and repeats. */
function sameSet(sent: readonly string[], expected: readonly string[]): boolean {
  const expectedSet = new Set(expected);
  return (
    sent.every((value) => expectedSet.has(value)) && expected.every((value) => sent.includes(value))
  );
}
