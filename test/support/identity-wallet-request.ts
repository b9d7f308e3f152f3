/**
 * The verifier's side of an identity wallet sign-in in tests: what a browser does at the login page
 * before a wallet is involved.
 */
import type { Server } from 'node:http';
import request from 'supertest';
import { csrfOf } from './login-form';

/**
 * A login page's identity wallet request (`POST /oid4vp/requests`), in a browser of its own:
 * that browser, the request's id, its `authorization_request` link for the wallet and the
 * `request_uri` in it.
 */
export async function loginPageRequest(server: Server, fields: Record<string, string> = {}) {
  const agent = request.agent(server);
  const page = await agent.get('/login').expect(200);
  const created = await agent
    .post('/oid4vp/requests')
    .send({ csrf_token: csrfOf(page.text), return_to: '/', ...fields })
    .expect(201);
  return {
    agent,
    id: created.body.id as string,
    authorizationRequest: created.body.authorization_request as string,
    requestUri: created.body.request_uri as string,
  };
}
