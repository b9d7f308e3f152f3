import { perHour } from '../platform/rate-limit/rate-limit';

/**
 * Accounts created per IP and hour (ACCOUNT_CREATIONS_PER_IP_PER_HOUR): charged by AccountService
 * when a link is about to write an account's first record (a fresh wallet's or a password user's
 * first linked method), never for an account adding a further one. Each record is durable (no
 * expiry), so what one address can make the service store is bounded here.
 */
export const ACCOUNT_CREATIONS_PER_IP = perHour(
  'account-creations-ip',
  (limits) => limits.accountCreationsPerIpPerHour,
);
