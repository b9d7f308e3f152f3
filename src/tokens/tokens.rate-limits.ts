import { MINUTE_MS, RateLimitRule, perIp } from '../platform/rate-limit/rate-limit';

/**
 * The public documents (authorization server metadata, JWKS) per IP, one count for all of them
 * (RATE_LIMIT_METADATA_PER_IP). Served uncounted while the limiter's store is down.
 */
export const METADATA_PER_IP: RateLimitRule = {
  name: 'metadata-ip',
  windowMs: MINUTE_MS,
  limit: (limits) => limits.metadataPerIp,
};

export const METADATA_LIMITS = [perIp(METADATA_PER_IP)] as const;
