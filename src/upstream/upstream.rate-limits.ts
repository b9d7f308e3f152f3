import { perMinute } from '../platform/rate-limit/rate-limit';

/**
 * GET /login/upstream/{id} and its callback per IP (RATE_LIMIT_UPSTREAM_PER_IP): each start keeps
 * a challenge until it is redeemed or expires, each callback may cost requests to the provider,
 * so both are counted before anything is looked at.
 */
export const UPSTREAM_PER_IP = perMinute('upstream-ip', (limits) => limits.upstreamPerIp);
