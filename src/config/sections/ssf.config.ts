import { EnvReader } from '../env-reader';
import { choice, setting, settingsSection, whole } from '../setting';

/** SSF 1.0 §7.1 `default_subjects`: whether a new stream covers every account or only those added. */
export const DEFAULT_SUBJECTS = ['ALL', 'NONE'] as const;
export type DefaultSubjects = (typeof DEFAULT_SUBJECTS)[number];

/**
 * The Shared Signals transmitter (issue #80, docs/SHARED-SIGNALS.md): receivers' streams, and the
 * Security Event Tokens each cause queues for them in the `ssf_events` outbox.
 */
export abstract class SsfConfig {
  /** What each new stream covers before any subject is added (SSF 1.0 §7.1 `default_subjects`). */
  abstract readonly defaultSubjects: DefaultSubjects;
  /** Streams one receiver may have. */
  abstract readonly maxStreamsPerReceiver: number;
  /** Subjects one stream may have added. */
  abstract readonly maxSubjectsPerStream: number;
  /** How long a SET is kept for its stream, undelivered or unacknowledged, then dropped. */
  abstract readonly retentionSeconds: number;
  /** How often an instance looks for push deliveries that are due, while a push stream exists. */
  abstract readonly pollIntervalMs: number;
  /** How long an instance trusts its read of whether any push stream exists. */
  abstract readonly pushCheckIntervalMs: number;
  /** The wait after a push delivery's first failure; it doubles with each, up to 5 minutes. */
  abstract readonly firstRetryMs: number;
  /** One push attempt's time limit (name resolution, connection, answer). */
  abstract readonly timeoutMs: number;
  /** How long a poll without `returnImmediately: true` waits for a SET when none is waiting. */
  abstract readonly longPollMs: number;
  /** How long an instance trusts its read of whether any stream exists; 0: it reads each time. */
  abstract readonly streamCheckCacheMs: number;
}

export const SSF_SETTINGS = settingsSection(
  'Shared Signals',
  'The Shared Signals transmitter: streams and their Security Event Tokens (see [Shared Signals](SHARED-SIGNALS.md)).',
  {
    defaultSubjects: setting({
      name: 'SSF_DEFAULT_SUBJECTS',
      type: choice(DEFAULT_SUBJECTS),
      default: 'ALL',
      description:
        "What a new stream covers before its receiver adds subjects (SSF 1.0 `default_subjects`): `ALL` every account's " +
        'events, `NONE` only the accounts added to the stream. A receiver may add subjects either way.',
    }),
    maxStreamsPerReceiver: setting({
      name: 'SSF_MAX_STREAMS_PER_RECEIVER',
      type: whole(1, 100),
      default: 5,
      description: 'Streams one receiver client may have; creating one more is refused (`409`).',
    }),
    maxSubjectsPerStream: setting({
      name: 'SSF_MAX_SUBJECTS_PER_STREAM',
      type: whole(1, 100_000),
      default: 10_000,
      description: 'Subjects one stream may have added; adding one more is refused (`400`).',
    }),
    retentionSeconds: setting({
      name: 'SSF_RETENTION_SECONDS',
      type: whole(60, 30 * 86_400),
      default: 7 * 86_400,
      description:
        'How long a Security Event Token waits for its stream: pushed and not yet accepted, or waiting to be polled and ' +
        'not yet acknowledged. Past it the SET is dropped (a receiver down longer misses it).',
    }),
    pollIntervalMs: setting({
      name: 'SSF_POLL_INTERVAL_MS',
      type: whole(50, 60_000),
      default: 2_000,
      description:
        'How often each instance looks for push deliveries of Security Event Tokens that are due, while a push stream ' +
        'exists (see `SSF_PUSH_CHECK_INTERVAL_MS`); SETs this instance queues are pushed at once.',
    }),
    pushCheckIntervalMs: setting({
      name: 'SSF_PUSH_CHECK_INTERVAL_MS',
      type: whole(1_000, 300_000),
      default: 30_000,
      description:
        'How long an instance trusts its last read of whether any push stream exists: without one its push poller ' +
        'sends no database command but this read. An instance that creates a push stream or queues a SET for one ' +
        'looks at once; the others see the stream within this long.',
    }),
    firstRetryMs: setting({
      name: 'SSF_FIRST_RETRY_MS',
      type: whole(50, 300_000),
      default: 2_000,
      description:
        "Wait after a push delivery's first failure; it doubles after each, up to 5 minutes.",
    }),
    timeoutMs: setting({
      name: 'SSF_PUSH_TIMEOUT_MS',
      type: whole(200, 30_000),
      default: 5_000,
      description:
        "Time limit of one push of a Security Event Token to a receiver's `endpoint_url`, through the SSRF guard as " +
        'back-channel logout is (`BACKCHANNEL_LOGOUT_ALLOW_PRIVATE` decides plain `http:` and private addresses).',
    }),
    longPollMs: setting({
      name: 'SSF_LONG_POLL_MS',
      type: whole(0, 30_000),
      default: 10_000,
      description:
        'How long a poll (RFC 8936) waits for a Security Event Token when none is waiting (or its stream is paused), unless it sends ' +
        '`returnImmediately: true` (RFC 8936 §2.1: it defaults to false).',
    }),
    streamCheckCacheMs: setting({
      name: 'SSF_STREAM_CHECK_CACHE_MS',
      type: whole(0, 10_000),
      default: 1_000,
      description:
        'How long an instance trusts its last read of whether any stream exists, so that without receivers a cause ' +
        '(a sign-out, a passkey added) costs no database command; creating a stream answers only after this long, ' +
        'once every instance sees it. `0`: every cause reads the streams, and creating one answers at once.',
    }),
  },
);

export function readSsfConfig(env: EnvReader): SsfConfig {
  return Object.freeze({
    defaultSubjects: env.get(SSF_SETTINGS.declared.defaultSubjects),
    maxStreamsPerReceiver: env.get(SSF_SETTINGS.declared.maxStreamsPerReceiver),
    maxSubjectsPerStream: env.get(SSF_SETTINGS.declared.maxSubjectsPerStream),
    retentionSeconds: env.get(SSF_SETTINGS.declared.retentionSeconds),
    pollIntervalMs: env.get(SSF_SETTINGS.declared.pollIntervalMs),
    pushCheckIntervalMs: env.get(SSF_SETTINGS.declared.pushCheckIntervalMs),
    firstRetryMs: env.get(SSF_SETTINGS.declared.firstRetryMs),
    timeoutMs: env.get(SSF_SETTINGS.declared.timeoutMs),
    longPollMs: env.get(SSF_SETTINGS.declared.longPollMs),
    streamCheckCacheMs: env.get(SSF_SETTINGS.declared.streamCheckCacheMs),
  });
}
