import request from 'supertest';
import { login, tokensFor } from './oauth';
import type { TestApp } from './test-app';

/**
 * An access token with the `account` scope of a fresh password login of a demo user, for
 * demo-client (first-party): what changing the account (a passkey, a linked wallet) requires.
 */
export async function accountToken(
  t: TestApp,
  username = 'user0',
  scope = 'openid account',
): Promise<string> {
  const agent = request.agent(t.app.getHttpServer());
  await login(agent, '/', username, `password${username.slice(-1)}`);
  return (await tokensFor(t.app.getHttpServer(), agent, { scope })).access_token;
}
