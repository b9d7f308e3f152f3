import { Injectable, Logger } from '@nestjs/common';
import { LogoutConfig } from '../../config/sections/logout.config';
import { SsfConfig } from '../../config/sections/ssf.config';
import { GuardedFetcher, OutboundFetchError } from '../../platform/http/outbound/guarded-fetcher';
import type { AttemptResult } from '../../platform/outbox/outbox-poller';
import type { SsfEvent } from '../outbox/ssf-event';
import { isHttpFieldValue } from '../http-field-value';
import { SetSigner } from '../set-signer';
import { SET_MEDIA_TYPE } from '../ssf-events';
import type { StreamDelivery } from '../streams/stream';

/** A receiver's answer is not used beyond its status: a little of it is read, then cut. */
const MAX_ANSWER_BYTES = 4 * 1024;

/**
 * One push of a SET (RFC 8935 §2): `POST` of the signed SET as `application/secevent+jwt` to the
 * stream's `endpoint_url`, with its `authorization_header` when the receiver gave one, through the
 * SSRF guard back-channel logout goes through (BACKCHANNEL_LOGOUT_ALLOW_PRIVATE: plain http and
 * private addresses; receivers are operator-registered clients). `202` or `200`: delivered. `400`
 * (RFC 8935 §2.3: the receiver refuses this SET) is final; anything else is tried again.
 */
@Injectable()
export class SsfPushSender {
  private readonly logger = new Logger(SsfPushSender.name);

  constructor(
    private readonly signer: SetSigner,
    private readonly fetcher: GuardedFetcher,
    private readonly logout: LogoutConfig,
    private readonly ssf: SsfConfig,
  ) {}

  async send(event: SsfEvent, delivery: StreamDelivery): Promise<AttemptResult> {
    if (delivery.endpointUrl === undefined) {
      return { ok: false, error: 'the stream has no endpoint_url', permanent: true };
    }
    if (delivery.authorizationHeaderUnreadable) {
      // Tried again (backing off) until the receiver gives the stream's delivery anew: a push
      // without the header its endpoint asked for would only be refused.
      const error =
        'the stream authorization_header does not open with this KEY_ENCRYPTION_SECRET: replace it';
      this.logger.warn(`SET ${event.jti} of stream ${event.streamId} not delivered: ${error}`);
      return { ok: false, error };
    }
    if (
      delivery.authorizationHeader !== undefined &&
      !isHttpFieldValue(delivery.authorizationHeader)
    ) {
      // Stored before the API refused it: no push can carry it, tried again (backing off) until
      // the receiver replaces the stream's delivery.
      const error = 'the stream authorization_header is not an HTTP field value: replace it';
      this.logger.warn(`SET ${event.jti} of stream ${event.streamId} not delivered: ${error}`);
      return { ok: false, error };
    }
    const set = await this.signer.sign(event.claims);
    const target = new URL(delivery.endpointUrl);
    try {
      const answer = await this.fetcher.exchange(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': SET_MEDIA_TYPE,
            ...(delivery.authorizationHeader !== undefined
              ? { authorization: delivery.authorizationHeader }
              : {}),
          },
          body: set,
        },
        {
          maxBytes: MAX_ANSWER_BYTES,
          timeoutMs: this.ssf.timeoutMs,
          allowPrivate: this.logout.allowPrivate,
          accept: 'application/json',
        },
      );
      if (answer.status === 200 || answer.status === 202) return { ok: true };
      const error = `the receiver answered ${answer.status}`;
      this.logger.warn(
        `SET ${event.jti} of stream ${event.streamId} not accepted at ${target.host}: ${error}`,
      );
      return { ok: false, error, permanent: answer.status === 400 };
    } catch (error) {
      if (!(error instanceof OutboundFetchError)) throw error;
      this.logger.warn(
        `SET ${event.jti} of stream ${event.streamId} not delivered to ${target.host} (attempt ${event.attempts}): ${error.message}`,
      );
      return { ok: false, error: error.message };
    }
  }
}
