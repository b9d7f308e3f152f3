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
