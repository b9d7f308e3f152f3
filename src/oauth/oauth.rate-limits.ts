import type { HttpRequest as Request } from '../platform/http/http-exchange';
import { parseBasicCredentials } from '../platform/http/basic-credentials';
import { RequestLimit, perIp, perIpAndClaim, perMinute } from '../platform/rate-limit/rate-limit';

/** /token, /revoke and /introspect per IP, before anything is proven. */
export const TOKEN_PER_IP = perMinute('token-ip', (limits) => limits.tokenPerIp);

/**
 * The per-client budget (RATE_LIMIT_TOKEN_PER_CLIENT). Before authentication it counts per
 * (IP, claimed client): a caller spends only its own share of the client's name. The client's
 * own budget (`TOKEN_PER_CLIENT`) is charged once the client is proven (`ClientBudget`).
 */
export const TOKEN_PER_IP_AND_CLIENT = perMinute(
  'token-ip-client',
  (limits) => limits.tokenPerClient,
);

/** A proven client's requests, from every address: charged after its proof, never before. */
export const TOKEN_PER_CLIENT = perMinute('token-client', (limits) => limits.tokenPerClient);

export const AUTHORIZE_PER_IP = perMinute('authorize-ip', (limits) => limits.authorizePerIp);

export const REGISTER_PER_IP = perMinute('register-ip', (limits) => limits.registerPerIp);

/**
 * The client a request claims to be (Basic user name, else client_id), read as client
 * authentication reads it (form-decoded, any case of the scheme), so `demo%2Dclient` or
 * `basic ...` cannot open a fresh count for `demo-client` from the same address.
 */
export function claimedClientId(request: Request): string | undefined {
  const header = request.headers.authorization;
  const basic = header === undefined ? null : parseBasicCredentials(header);
  if (basic) return basic.username;
  const id = (request.body as Record<string, unknown> | undefined)?.client_id;
  return typeof id === 'string' ? id : undefined;
}

/** What /token, /revoke and /introspect count before client authentication. */
export const CLIENT_ENDPOINT_LIMITS: readonly RequestLimit[] = [
  perIp(TOKEN_PER_IP),
  perIpAndClaim(TOKEN_PER_IP_AND_CLIENT, claimedClientId),
];
