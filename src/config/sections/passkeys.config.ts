import { isIP } from 'node:net';
import { ConfigError, Env, int as readInt, webOrigins, webauthnRpId } from '../env-parsers';
import { EnvReader } from '../env-reader';
import type { ServerConfig } from './server.config';
import { setting, settingsSection, text, whole } from '../setting';

/** Passkeys (WebAuthn Level 3): the relying party this service is, and the account rules. */
export abstract class PasskeyConfig {
  /**
   * The RP ID credentials are scoped to: WEBAUTHN_RP_ID, else ISSUER's host (an ISSUER on an IP
   * address needs WEBAUTHN_RP_ID: browsers refuse an IP as an RP ID, so the service refuses to
   * start without one).
   */
  abstract readonly rpId: string;
  /** The origins a ceremony may come from (clientDataJSON `origin`). */
  abstract readonly origins: readonly string[];
  /**
   * How old the login behind an account change (a passkey registered, a method linked) may be:
   * older, and the bearer is told to sign in again (RFC 9470 `max_age`). Also how long before a
   * sign-in another method's sign-in in the same browser counts in its `amr` (with `mfa`).
   */
  abstract readonly recentLoginSeconds: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const PASSKEY_SETTINGS = settingsSection(
  'Passkeys',
  'The WebAuthn relying party, and how recent a login an account change needs (see [Passkeys ' +
    'and accounts](PASSKEYS-AND-ACCOUNTS.md)).',
  {
    webauthnRpId: setting({
      name: 'WEBAUTHN_RP_ID',
      type: text('a domain'),
      default: { unset: 'the host of `ISSUER`' },
      description:
        "The passkeys' relying party ID: a domain (no scheme, no port) every `WEBAUTHN_ORIGINS` " +
        'host equals or ends in; an IP address is refused (browsers refuse it). Required when ' +
        "`ISSUER`'s host is an IP address (e.g. `http://127.0.0.1:25000`: set `localhost`, with " +
        '`WEBAUTHN_ORIGINS=http://localhost:25000`): the service refuses to start without it.',
    }),
    webauthnOrigins: setting({
      name: 'WEBAUTHN_ORIGINS',
      type: text('comma-separated origins'),
      default: { unset: 'the origin of `ISSUER`' },
      description:
        'The origins a passkey ceremony may come from (clientDataJSON `origin`); `https:` only, ' +
        'except `http://localhost`.',
    }),
    accountRecentLoginSeconds: setting({
      name: 'ACCOUNT_RECENT_LOGIN_SECONDS',
      type: whole(5, 86_400),
      default: 600,
      description:
        'How old the login behind a change of the account (a passkey added, a method linked) may ' +
        'be; older: `401 insufficient_user_authentication` with `max_age` (RFC 9470). Also how ' +
        'close two sign-ins of one browser with different methods must be for `amr` to name ' +
        'both, and `mfa`.',
    }),
  },
);

export function readPasskeyConfig(
  env: EnvReader,
  server: Pick<ServerConfig, 'issuer'>,
): PasskeyConfig {
  return Object.freeze(
    env.read((e) => passkeySettings(e, server.issuer), {
      rpId: new URL(server.issuer).hostname,
      origins: [new URL(server.issuer).origin],
      recentLoginSeconds: 600,
    }),
  );
}

/**
 * WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS and ACCOUNT_RECENT_LOGIN_SECONDS, checked together: WebAuthn
 * Level 3 §5.1.2 lets a ceremony use an RP ID only when it is the origin's host or a registrable
 * suffix of it, so every origin must lie under the RP ID; and an IP address is never a valid RP
 * ID (browsers refuse it), so an ISSUER on one needs WEBAUTHN_RP_ID.
 */
function passkeySettings(env: Env, issuer: string): PasskeyConfig {
  const problems: string[] = [];
  const collect = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return fallback;
    }
  };
  const issuerUrl = new URL(issuer);
  const issuerHost = issuerUrl.hostname;
  const configured = collect(() => webauthnRpId(env, 'WEBAUTHN_RP_ID'), undefined);
  const issuerHostIsIp = isIP(issuerHost.replace(/^\[|\]$/g, '')) !== 0;
  // (A WEBAUTHN_RP_ID that is set but invalid has been said already.)
  if (configured === undefined && issuerHostIsIp && problems.length === 0) {
    problems.push(ipIssuerRefusal(issuerUrl));
  }
  const rpId = configured ?? issuerHost;
  const origins = collect(() => webOrigins(env, 'WEBAUTHN_ORIGINS'), undefined) ?? [
    issuerUrl.origin,
  ];
  if (configured !== undefined || !issuerHostIsIp) {
    for (const origin of origins) {
      const host = new URL(origin).hostname;
      if (host !== rpId && !host.endsWith(`.${rpId}`)) {
        problems.push(
          `WEBAUTHN_ORIGINS: ${origin} is not on the RP ID ${rpId} (its host must be ${rpId} or end in .${rpId}); set WEBAUTHN_RP_ID or WEBAUTHN_ORIGINS`,
        );
      }
    }
  }
  // A short window only makes the rule stricter; the attack lab waits one out (5 s in its runs).
  const recentLoginSeconds = collect(
    () => readInt(env, 'ACCOUNT_RECENT_LOGIN_SECONDS', 600, { min: 5, max: 86_400 }),
    600,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return { rpId, origins, recentLoginSeconds };
}

/** What to set when ISSUER's host is an IP address (e.g. a loopback port): said in one line. */
function ipIssuerRefusal(issuer: URL): string {
  const port = issuer.port === '' ? '' : `:${issuer.port}`;
  return `ISSUER's host ${issuer.hostname} is an IP address, which browsers refuse as a WebAuthn RP ID: set WEBAUTHN_RP_ID to the domain the pages are served from (e.g. localhost), and WEBAUTHN_ORIGINS to their origins when their host is not that domain (e.g. ${issuer.protocol}//localhost${port})`;
}
