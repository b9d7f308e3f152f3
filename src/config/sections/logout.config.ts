import { EnvReader } from '../env-reader';
import { ServerConfig } from './server.config';
import { BOOLEAN, setting, settingsSection, whole } from '../setting';

/**
 * OpenID Connect Back-Channel Logout 1.0 deliveries (see docs/OAUTH.md#logout): each ended login
 * session's logout tokens wait in a durable outbox that every instance polls.
 */
export abstract class LogoutConfig {
  /** How often an instance looks for deliveries that are due. */
  abstract readonly pollIntervalMs: number;
  /** A delivery is retried for this long after its logout, then given up (counted `failed`). */
  abstract readonly retryForSeconds: number;
  /** The wait after the first failed attempt; it doubles with each failure, up to 5 minutes. */
  abstract readonly firstRetryMs: number;
  /** One attempt's time limit (name resolution, connection, answer). */
  abstract readonly timeoutMs: number;
  /**
   * One attempt's time limit for a client that registered itself (RFC 7591, or a client ID
   * metadata document): anyone may name a URI that never answers, and each such attempt holds
   * a worker of the self-registered lane this long. Never more than `timeoutMs` (laneTimeoutMs).
   */
  abstract readonly selfRegisteredTimeoutMs: number;
  /**
   * Logout tokens one self-registered client may have waiting: past it, its oldest are dropped
   * (counted `dropped`), so the newest logouts are the ones kept.
   */
  abstract readonly selfRegisteredMaxPending: number;
  /**
   * BACKCHANNEL_LOGOUT_ALLOW_PRIVATE: deliver over plain http and to loopback and private
   * addresses, and let clients register an http `backchannel_logout_uri` on a loopback host or a
   * private IP literal. On by default outside production (a client under development on
   * 127.0.0.1); off by default in production (https to public addresses only), where an operator
   * whose relying parties sit on an internal network turns it on. Unlike
   * CLIENT_METADATA_ALLOW_PRIVATE it is allowed there: only registered clients name these URIs, and
   * the addresses it opens are the ones the operator's own RPs live on.
   */
  abstract readonly allowPrivate: boolean;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const LOGOUT_SETTINGS = settingsSection(
  'Back-channel logout',
  'Delivery of logout tokens from the durable outbox (see [Logout](OAUTH.md#logout)).',
  {
    pollIntervalMs: setting({
      name: 'BACKCHANNEL_LOGOUT_POLL_INTERVAL_MS',
      type: whole(50, 60_000),
      default: 2_000,
      description:
        'How often each instance polls the back-channel logout outbox for due deliveries.',
    }),
    retryForSeconds: setting({
      name: 'BACKCHANNEL_LOGOUT_RETRY_FOR_SECONDS',
      type: whole(10, 86_400),
      default: 3_600,
      description:
        'How long a logout token delivery is retried before it is given up and counted `failed`.',
    }),
    firstRetryMs: setting({
      name: 'BACKCHANNEL_LOGOUT_FIRST_RETRY_MS',
      type: whole(50, 300_000),
      default: 2_000,
      description: "Wait after a delivery's first failure; it doubles after each, up to 5 minutes.",
    }),
    timeoutMs: setting({
      name: 'BACKCHANNEL_LOGOUT_TIMEOUT_MS',
      type: whole(200, 30_000),
      default: 5_000,
      description:
        'Time limit of one delivery attempt to an operator-registered client. Deliveries go ' +
        'through the SSRF guard: https to public addresses only unless ' +
        '`BACKCHANNEL_LOGOUT_ALLOW_PRIVATE`.',
    }),
    selfRegisteredTimeoutMs: setting({
      name: 'BACKCHANNEL_LOGOUT_SELF_REGISTERED_TIMEOUT_MS',
      type: whole(200, 30_000),
      default: 2_000,
      description:
        'Time limit of one delivery attempt to a client that registered itself (RFC 7591, or a ' +
        'client ID metadata document); never more than `BACKCHANNEL_LOGOUT_TIMEOUT_MS`. Such ' +
        'clients have delivery workers of their own, one attempt at a time per client and per ' +
        'host, and a host that timed out is backed off.',
    }),
    selfRegisteredMaxPending: setting({
      name: 'BACKCHANNEL_LOGOUT_SELF_REGISTERED_MAX_PENDING',
      type: whole(1, 10_000),
      default: 20,
      description:
        'Logout tokens one self-registered client may have waiting; past it its oldest are ' +
        'dropped, counted `outcome="dropped"`.',
    }),
    allowPrivate: setting({
      name: 'BACKCHANNEL_LOGOUT_ALLOW_PRIVATE',
      type: BOOLEAN,
      default: true,
      defaultNote: 'outside production, `false` in production',
      description:
        'Logout tokens may be delivered over plain `http:` and to loopback and private ' +
        'addresses, and clients may register an `http:` `backchannel_logout_uri` on `localhost` ' +
        'or a loopback or private IP literal (a host name still needs `https:`). For relying ' +
        "parties on the operator's internal network; allowed in production, unlike " +
        '`CLIENT_METADATA_ALLOW_PRIVATE`, for operator-registered clients only (`OAUTH_CLIENTS`, ' +
        '`proofgate-admin clients add`): in production a client that registered itself (RFC ' +
        '7591) or came from a metadata document keeps https to public addresses whatever this ' +
        'says, so open registration cannot make the server POST to internal hosts.',
    }),
  },
);

export function readLogoutConfig(env: EnvReader, server: ServerConfig): LogoutConfig {
  return Object.freeze({
    pollIntervalMs: env.get(LOGOUT_SETTINGS.declared.pollIntervalMs),
    retryForSeconds: env.get(LOGOUT_SETTINGS.declared.retryForSeconds),
    firstRetryMs: env.get(LOGOUT_SETTINGS.declared.firstRetryMs),
    timeoutMs: env.get(LOGOUT_SETTINGS.declared.timeoutMs),
    selfRegisteredTimeoutMs: env.get(LOGOUT_SETTINGS.declared.selfRegisteredTimeoutMs),
    selfRegisteredMaxPending: env.get(LOGOUT_SETTINGS.declared.selfRegisteredMaxPending),
    allowPrivate: env.get(LOGOUT_SETTINGS.declared.allowPrivate, !server.isProduction),
  });
}
