import { perIp, perMinute } from '../platform/rate-limit/rate-limit';

/**
 * The public documents (authorization server metadata, JWKS) per IP, one count for all of them
 * (RATE_LIMIT_METADATA_PER_IP). Served uncounted while the limiter's store is down.
 */
export const METADATA_PER_IP = perMinute('metadata-ip', (limits) => limits.metadataPerIp);

export const METADATA_LIMITS = [perIp(METADATA_PER_IP)] as const;
