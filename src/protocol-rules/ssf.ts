import { type MachineClientRegistration, machinePrivilegeProblem } from './machine-privilege';
import { resourceMetadataUrl } from './resource-metadata';

/**
 * Shared Signals (issue #80; OpenID Shared Signals Framework 1.0): the scope a receiver's token
 * carries at the transmitter's stream management API, and that API's audience. Like the admin
 * scopes, `ssf` is never among the scopes a user's authorization may ask: only a client the
 * operator marked (`"ssf_receiver": true` in OAUTH_CLIENTS, `clients add --ssf-receiver`) gets it,
 * by client_credentials, for itself.
 */
export const SSF_SCOPE = 'ssf';

/** Path of the stream management API under the issuer. */
export const SSF_PATH = '/ssf';

/**
 * The stream management API's resource indicator (RFC 8707) and its tokens' `aud` (RFC 9068
 * §2.2): the issuer's URL with `/ssf`. Not a setting, as for the admin API: a token for the
 * transmitter is accepted nowhere else (`ACCESS_TOKEN_AUDIENCE`, `/admin/v1`), nor the reverse.
 */
export function ssfAudience(issuer: string): string {
  return `${issuer}${SSF_PATH}`;
}

/** RFC 9728 §3.1: the stream management API's metadata URL, the resource's path suffixed. */
export function ssfResourceMetadataUrl(issuer: string): string {
  return resourceMetadataUrl(issuer, SSF_PATH);
}

/**
 * What is wrong with an operator's `ssf_receiver` (OAUTH_CLIENTS, `clients add --ssf-receiver`),
 * or undefined: a boolean, and `true` only on a confidential client registered for
 * client_credentials (the only way a token with `ssf` is issued).
 */
export function ssfReceiverProblem(
  value: unknown,
  client: MachineClientRegistration,
): string | undefined {
  if (typeof value !== 'boolean') return 'must be true or false';
  if (!value) return undefined;
  return machinePrivilegeProblem(client, {
    publicClient:
      'is for a confidential client (a secret or private_key_jwt): a public client never gets the ssf scope',
    noClientCredentials:
      'needs grant_types with client_credentials: ssf tokens are issued by that grant only',
  });
}
