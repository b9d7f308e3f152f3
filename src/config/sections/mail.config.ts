import { ConfigError, type Env } from '../env-parsers';
import { EnvReader } from '../env-reader';
import { BOOLEAN, setting, settingsSection, text, whole } from '../setting';
import type { ServerConfig } from './server.config';

/**
 * Where mail goes: an SMTP server (SMTP_URL), the catcher embedded outside production (a real
 * SMTP server on loopback that keeps what it receives, shown at /dev/mailbox), or nowhere.
 */
export type MailTransportKind = 'smtp' | 'embedded' | 'none';

/**
 * Mail (the sign-in codes of email login) and email login itself: the mail leaves through the
 * durable outbox (src/mail), never from the request that asked for it.
 */
export abstract class MailConfig {
  /**
   * EMAIL_LOGIN: email codes sign in (and link addresses to accounts). On whenever there is a
   * transport, unless turned off; production with it turned on and no SMTP_URL refuses to start.
   */
  abstract readonly emailLogin: boolean;
  /** Whether EMAIL_LOGIN was set to true (not left to follow the transport). */
  abstract readonly emailLoginExplicit: boolean;
  abstract readonly transport: MailTransportKind;
  /** SMTP_URL (`smtp://` or `smtps://`, credentials in it): never logged. */
  abstract readonly smtpUrl?: string;
  /** MAIL_FROM: the From header of every mail. */
  abstract readonly from: string;
  /** How often an instance looks for mail that is due. */
  abstract readonly pollIntervalMs: number;
  /** The wait after the first failed attempt; it doubles with each failure, up to a minute. */
  abstract readonly firstRetryMs: number;
  /** One attempt's time limit (connection, greeting, the whole exchange). */
  abstract readonly sendTimeoutMs: number;
}

const SMTP_SCHEMES = ['smtp:', 'smtps:'];

function smtpUrl(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Never the value: it may hold the SMTP password.
    throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL (it is not a URL)');
  }
  if (!SMTP_SCHEMES.includes(url.protocol) || url.hostname === '') {
    throw new ConfigError(
      `SMTP_URL must be an smtp:// or smtps:// URL with a host (got the scheme ${url.protocol})`,
    );
  }
  return value;
}

/** `Name <address>` or `address`: one mailbox (RFC 5322 §3.4), as MAIL_FROM must be. */
const MAILBOX = /^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

/** The settings this section reads, each declared once for its reader and the reference. */
export const MAIL_SETTINGS = settingsSection(
  'Email sign-in and mail',
  'Sign-in codes by email and the mail outbox they leave through.',
  {
    emailLogin: setting({
      name: 'EMAIL_LOGIN',
      type: BOOLEAN,
      default: {
        unset:
          'on whenever there is a mail transport: `SMTP_URL`, or outside production the ' +
          'embedded catcher',
      },
      description:
        'Sign in with a code sent by email, and link addresses to accounts (`POST ' +
        '/login/email/start`, the login page’s email form). `false` turns it off. In production ' +
        '`true` without `SMTP_URL` refuses to start.',
    }),
    smtpUrl: setting({
      name: 'SMTP_URL',
      type: text('an smtp:// or smtps:// URL', smtpUrl),
      default: { unset: 'none: outside production the embedded catcher, in production no mail' },
      description:
        'The SMTP server mail leaves through (nodemailer), credentials in the URL: ' +
        '`smtps://user:password@smtp.example.com:465` (TLS from the start) or ' +
        '`smtp://user:password@smtp.example.com:587` (STARTTLS when the server offers it). Never ' +
        'logged. Unset outside production, a real SMTP server on loopback catches every mail and ' +
        '`GET /dev/mailbox` shows them.',
    }),
    from: setting({
      name: 'MAIL_FROM',
      type: text('a mailbox'),
      default: { unset: '`Proofgate <no-reply@` the issuer’s host `>`' },
      description:
        'The `From` of every mail: `Name <address@domain>` or `address@domain`, an address your ' +
        'SMTP provider lets you send from.',
    }),
    pollIntervalMs: setting({
      name: 'MAIL_POLL_INTERVAL_MS',
      type: whole(50, 60_000),
      default: 2_000,
      description:
        'How often each instance polls the mail outbox for mail that is due (a new mail wakes ' +
        'the instance that queued it at once).',
    }),
    firstRetryMs: setting({
      name: 'MAIL_FIRST_RETRY_MS',
      type: whole(50, 60_000),
      default: 2_000,
      description:
        'The wait after a failed attempt to send a mail; it doubles with each failure, up to a ' +
        'minute, until the mail is no use (a code’s mail: when the code expires), then the mail ' +
        'is dead-lettered.',
    }),
    sendTimeoutMs: setting({
      name: 'MAIL_SEND_TIMEOUT_MS',
      type: whole(500, 120_000),
      default: 15_000,
      description:
        'One attempt’s time limit: the connection, the greeting and each exchange with the SMTP ' +
        'server.',
    }),
  },
);

export function readMailConfig(env: EnvReader, server: ServerConfig): MailConfig {
  const url = env.get(MAIL_SETTINGS.declared.smtpUrl, undefined);
  const transport: MailTransportKind = url ? 'smtp' : server.isProduction ? 'none' : 'embedded';
  const declaredLogin = env.get(MAIL_SETTINGS.declared.emailLogin, undefined);
  const emailLogin = declaredLogin ?? transport !== 'none';
  const from = env.get(
    MAIL_SETTINGS.declared.from,
    `Proofgate <no-reply@${new URL(server.issuer).hostname}>`,
  );
  if (!MAILBOX.test(from)) {
    env.problem('MAIL_FROM must be one mailbox: "Name <address@domain>" or "address@domain"');
  }
  return Object.freeze({
    emailLogin,
    emailLoginExplicit: declaredLogin === true,
    transport,
    ...(url === undefined ? {} : { smtpUrl: url }),
    from,
    pollIntervalMs: env.get(MAIL_SETTINGS.declared.pollIntervalMs),
    firstRetryMs: env.get(MAIL_SETTINGS.declared.firstRetryMs),
    sendTimeoutMs: env.get(MAIL_SETTINGS.declared.sendTimeoutMs),
  });
}

/**
 * Production with email login turned on and nowhere to send its mail: the codes would wait in the
 * outbox until they expire. One line, for the production preflight (AppConfig.fromEnv).
 */
export function mailProductionRefusal(mail: MailConfig): string | undefined {
  return mail.emailLoginExplicit && mail.transport === 'none'
    ? 'EMAIL_LOGIN=true requires SMTP_URL when NODE_ENV=production: the sign-in codes need a mail server to leave through (the embedded catcher runs outside production only)'
    : undefined;
}
