import request from 'supertest';
import { exchangeCode, login, obtainCode } from './oauth';
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
  const { code, verifier } = await obtainCode(agent, { scope });
  const res = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
  return res.body.access_token as string;
}
