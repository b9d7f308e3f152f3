import { perMinute } from '../../platform/rate-limit/rate-limit';

/** Shared Signals calls (`/ssf`) per minute per IP, refused ones included. */
export const SSF_PER_IP = perMinute('ssf-ip', (limits) => limits.ssfPerIp);
/** Shared Signals calls per minute per receiver client, counted once its token is checked. */
export const SSF_PER_RECEIVER = perMinute('ssf-receiver', (limits) => limits.ssfPerReceiver);
