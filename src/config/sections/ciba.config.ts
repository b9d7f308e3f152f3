import { operatorUrlProblem } from '../../protocol-rules/operator-url';
import { EnvReader } from '../env-reader';
import { BOOLEAN, setting, settingsSection, text, whole } from '../setting';
import type { ServerConfig } from './server.config';

/**
 * How CIBA reaches people and clients (see docs/AGENTS.md#reaching-the-person): the operator's
 * notification URL. Ping notifications go to each client's registered endpoint; both leave
 * through the CIBA outbox (src/oauth/ciba/notifications), never from the request.
 */
export abstract class CibaConfig {
  /**
   * CIBA_NOTIFY_URL: each new backchannel request for an account that may be asked is POSTed
   * here as a signed JWT (never its auth_req_id), for the operator to push to the person's phone.
   */
  abstract readonly notifyUrl?: string;
  /**
   * CIBA_NOTIFICATION_ALLOW_PRIVATE: CIBA_NOTIFY_URL and operator-registered clients' ping
   * endpoints may be reached at loopback and private addresses (an operator's push gateway or
   * agents on its internal network). On by default outside production, off in production, where
   * an operator turns it on; a self-registered client's endpoint keeps public addresses in
   * production whatever it says (as BACKCHANNEL_LOGOUT_ALLOW_PRIVATE).
   */
  abstract readonly allowPrivate: boolean;
  /** How often an instance looks for due notifications (besides when it queued one). */
  abstract readonly pollIntervalMs: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const CIBA_SETTINGS = settingsSection(
  'CIBA notifications',
  'How a backchannel request reaches its person (see [Reaching the person](AGENTS.md#reaching-the-person)).',
  {
    notifyUrl: setting({
      name: 'CIBA_NOTIFY_URL',
      type: text('an https URL'),
      default: { unset: 'no notification' },
      description:
        'Each new backchannel request for an account that may be asked is POSTed here ' +
        '(`Content-Type: application/jwt`) through the durable outbox, as a JWT signed with ' +
        "the issuer's keys (`typ` `ciba-notify+jwt`; `iss`, the account's `sub`, `client_id`, " +
        '`client_name`, `binding_message`, `approvals_uri`, `iat`, `exp`, `jti`; never the ' +
        '`auth_req_id`), for the operator to push it to the person. https, through the SSRF ' +
        'guard (public addresses only in production, unless `CIBA_NOTIFICATION_ALLOW_PRIVATE`); ' +
        'outside production also `http:` on `127.0.0.1`, `[::1]` or `localhost`.',
    }),
    pollIntervalMs: setting({
      name: 'CIBA_NOTIFICATION_POLL_INTERVAL_MS',
      type: whole(50, 60_000),
      default: 2_000,
      description:
        'How often each instance polls the CIBA outbox (pings, `CIBA_NOTIFY_URL`, mails of new ' +
        'requests) for due notifications, besides at once when it queues one.',
    }),
    allowPrivate: setting({
      name: 'CIBA_NOTIFICATION_ALLOW_PRIVATE',
      type: BOOLEAN,
      default: true,
      defaultNote: 'outside production, `false` in production',
      description:
        '`CIBA_NOTIFY_URL` and the ping endpoints of operator-registered clients (`OAUTH_CLIENTS`, ' +
        '`proofgate-admin clients add`) may be reached at loopback and private addresses: a push ' +
        "gateway or agents on the operator's internal network. https is still required in " +
        'production (CIBA Core 1.0 §4); this opens addresses, not plain http. A client that ' +
        'registered itself (RFC 7591) or came from a metadata document keeps public addresses in ' +
        'production whatever this says, so open registration cannot make the server POST to ' +
        'internal hosts.',
    }),
  },
);

export function readCibaConfig(env: EnvReader, server: ServerConfig): CibaConfig {
  const common = {
    allowPrivate: env.get(CIBA_SETTINGS.declared.allowPrivate, !server.isProduction),
    pollIntervalMs: env.get(CIBA_SETTINGS.declared.pollIntervalMs),
  };
  const notifyUrl = env.get(CIBA_SETTINGS.declared.notifyUrl, undefined);
  if (notifyUrl === undefined) return Object.freeze(common);
  // Checked as the URLs an operator names for the server to call (operator-url.ts).
  const problem = operatorUrlProblem(notifyUrl, server.isProduction);
  if (problem) {
    env.problem(`CIBA_NOTIFY_URL ${problem}`);
    return Object.freeze(common);
  }
  return Object.freeze({ notifyUrl, ...common });
}
