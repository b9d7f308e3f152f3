import { perMinute } from '../platform/rate-limit/rate-limit';

/**
 * /oid4vp/* per IP (RATE_LIMIT_OID4VP_PER_IP): a new request keeps three challenges until it is
 * answered or expires, and an answer costs signature checks (and perhaps a status list fetch),
 * so each is counted before anything is looked at.
 */
export const OID4VP_PER_IP = perMinute('oid4vp-ip', (limits) => limits.oid4vpPerIp);
