import { type RateLimitRule, perHour } from '../../platform/rate-limit/rate-limit';

/**
 * New backchannel requests announced per hour to one account asked
 * (RATE_LIMIT_CIBA_ANNOUNCEMENTS_PER_ACCOUNT, 10), by mail and to CIBA_NOTIFY_URL together, keyed
 * by the account: counted off the request path, when the announcement is sent. Past it a request
 * still waits on the approvals page, unannounced: a client (or many) naming an account cannot
 * flood its inbox or phone, and the answer to /backchannel does not change, so it tells nothing
 * of the account either.
 */
export const CIBA_ANNOUNCEMENTS_PER_ACCOUNT: RateLimitRule = perHour(
  'ciba-announcements-account',
  (limits) => limits.cibaAnnouncementsPerAccount,
);
