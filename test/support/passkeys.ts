/**
 * Passkeys registered through the API, as a client with an `account`-scoped access token does it
 * (POST /passkeys/registration/options, then /verify). The software authenticator is the lab's
 * (src/lab-client/software-authenticator.ts).
 */
import type { SoftwareAuthenticator } from '../../src/lab-client/software-authenticator';
import type { TestApp } from './test-app';

/** Registers a new passkey of `authenticator` to the account of `accessToken` (201). */
export async function registerPasskey(
  t: TestApp,
  accessToken: string,
  authenticator: SoftwareAuthenticator,
): Promise<SoftwareAuthenticator> {
  const options = await t
    .http()
    .post('/passkeys/registration/options')
    .set('Authorization', `Bearer ${accessToken}`)
    .send({})
    .expect(200);
  await t
    .http()
    .post('/passkeys/registration/verify')
    .set('Authorization', `Bearer ${accessToken}`)
    .send(authenticator.register(options.body as Parameters<typeof authenticator.register>[0]))
    .expect(201);
  return authenticator;
}
