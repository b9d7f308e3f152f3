import { operatorUrlProblem } from '../../protocol-rules/operator-url';
import { EnvReader } from '../env-reader';
import { setting, settingsSection, text } from '../setting';
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
        'guard (public addresses only) in production; outside production also `http:` on ' +
        '`127.0.0.1`, `[::1]` or `localhost`.',
    }),
  },
);

export function readCibaConfig(env: EnvReader, server: ServerConfig): CibaConfig {
  const notifyUrl = env.get(CIBA_SETTINGS.declared.notifyUrl, undefined);
  if (notifyUrl === undefined) return Object.freeze({});
  // Checked as the URLs an operator names for the server to call (operator-url.ts).
  const problem = operatorUrlProblem(notifyUrl, server.isProduction);
  if (problem) {
    env.problem(`CIBA_NOTIFY_URL ${problem}`);
    return Object.freeze({});
  }
  return Object.freeze({ notifyUrl });
}
