/**
 * Dynamic client registration (RFC 7591) as specs drive it, and what every client registered for
 * the authorization code grant alone must be refused.
 */
import type { TestApp } from './test-app';

/** POST /register with `metadata` as JSON, with the initial access token when given. */
export function register(t: TestApp, metadata: unknown, initialAccessToken?: string) {
  const req = t.http().post('/register').set('Content-Type', 'application/json');
  if (initialAccessToken !== undefined) req.set('Authorization', `Bearer ${initialAccessToken}`);
  return req.send(JSON.stringify(metadata));
}

/**
 * A refresh grant of `clientId`, a client registered without the refresh_token grant type:
 * refused as unauthorized_client on the grant type alone, before any refresh token is looked at.
 */
export async function expectRefreshGrantRefused(t: TestApp, clientId: string): Promise<void> {
  const refused = await t
    .http()
    .post('/token')
    .type('form')
    .send({ grant_type: 'refresh_token', client_id: clientId, refresh_token: 'anything' })
    .expect(400);
  expect(refused.body).toEqual({
    error: 'unauthorized_client',
    error_description: 'The client is not registered for the refresh_token grant type',
  });
}

/**
 * An authorization code grant of `clientId` with a made-up code (and a well-formed verifier):
 * what /token answers is about the client itself, checked before the code.
 */
export function madeUpCodeGrant(t: TestApp, clientId: string, redirectUri: string) {
  return t
    .http()
    .post('/token')
    .type('form')
    .send({
      grant_type: 'authorization_code',
      code: 'x',
      code_verifier: 'y'.repeat(43),
      redirect_uri: redirectUri,
      client_id: clientId,
    });
}
