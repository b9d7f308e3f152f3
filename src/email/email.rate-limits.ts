import { type RateLimitRule, perMinute } from '../platform/rate-limit/rate-limit';

/** The window of the email code limits. */
const EMAIL_CODE_WINDOW_MS = 15 * 60_000;

/** A rule counted per email code window: `name` names its counters, `limit` reads its setting. */
function perCodeWindow(name: string, limit: RateLimitRule['limit']): RateLimitRule {
  return { name, windowMs: EMAIL_CODE_WINDOW_MS, limit };
}

/**
 * Codes sent to one address per window (RATE_LIMIT_EMAIL_CODES_PER_ADDRESS, 5), sign-in and link
 * codes together, keyed by the address's HMAC: charged before the mail is queued, so past it the
 * request gets 429 and the inbox nothing. Anyone can spend an address's budget (that is the
 * point: nobody can flood an inbox), which only delays its owner's next code.
 */
export const EMAIL_CODES_PER_ADDRESS = perCodeWindow(
  'email-codes-address',
  (limits) => limits.emailCodesPerAddress,
);

/**
 * Codes sent to one mailbox per window (RATE_LIMIT_EMAIL_CODES_PER_MAILBOX, 10): the address with
 * its subaddress removed (email-address.ts's mailboxOf), keyed by its HMAC. Each of `victim+1@`,
 * `victim+2@`... has its own per-address budget, and all of them land in `victim@`'s inbox.
 */
export const EMAIL_CODES_PER_MAILBOX = perCodeWindow(
  'email-codes-mailbox',
  (limits) => limits.emailCodesPerMailbox,
);

/** Codes one browser (its pre-login session) asks for per window, whatever the addresses. */
export const EMAIL_CODES_PER_BROWSER = perCodeWindow(
  'email-codes-browser',
  (limits) => limits.emailCodesPerBrowser,
);

/** Codes asked for from one IP per window, counted before the request is read. */
export const EMAIL_CODES_PER_IP = perCodeWindow(
  'email-codes-ip',
  (limits) => limits.emailCodesPerIp,
);

/**
 * Codes and links presented per IP and minute (RATE_LIMIT_EMAIL_VERIFY_PER_IP): each challenge
 * takes 5 wrong codes whatever this allows, so it only bounds the work one address makes the
 * service do, apart from the password and wallet logins' budget.
 */
export const EMAIL_VERIFY_PER_IP = perMinute(
  'email-verify-ip',
  (limits) => limits.emailVerifyPerIp,
);
