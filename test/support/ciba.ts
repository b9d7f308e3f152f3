/**
 * A CIBA agent's two requests (OpenID CIBA Core 1.0), authenticated with its secret
 * (client_secret_basic), as raw supertest answers: the backchannel authentication request (§7.1)
 * and a poll of /token with its auth_req_id (§10.1).
 */
import { CIBA_GRANT_TYPE } from '../../src/protocol-rules/grant-types';
import { basic } from './oauth';
import type { TestApp } from './test-app';

/** An agent as its tests know it: its client id and secret. */
export interface CibaAgentCredentials {
  readonly clientId: string;
  readonly secret: string;
}

/** POST /backchannel with `parameters`, form-encoded, exactly as given. */
export function backchannelRequest(
  t: TestApp,
  { clientId, secret }: CibaAgentCredentials,
  parameters: Record<string, string>,
) {
  return t
    .http()
    .post('/backchannel')
    .type('form')
    .set('Authorization', basic(clientId, secret))
    .send(parameters);
}

/** One poll of /token for `authReqId` (the CIBA grant). */
export function cibaTokenRequest(
  t: TestApp,
  { clientId, secret }: CibaAgentCredentials,
  authReqId: string,
) {
  return t
    .http()
    .post('/token')
    .type('form')
    .set('Authorization', basic(clientId, secret))
    .send({ grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId });
}

/**
 * RFC 7591 metadata of a ping client that registers itself (CIBA Core 1.0 §4), without its
 * `backchannel_client_notification_endpoint`.
 */
export const SELF_REGISTERED_PING_CLIENT = {
  client_name: 'Self-registered ping agent',
  grant_types: [CIBA_GRANT_TYPE],
  redirect_uris: [],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
  backchannel_token_delivery_mode: 'ping',
} as const;
