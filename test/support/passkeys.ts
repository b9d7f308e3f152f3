/**
 * Passkeys registered through the API, as a client with an `account`-scoped access token does it
 * (POST /passkeys/registration/options, then /verify). The software authenticator is the lab's
 * (src/lab-client/software-authenticator.ts).
 */
import type { SoftwareAuthenticator } from '../../src/lab-client/software-authenticator';
import type { TestApp } from './test-app';

type CreationOptions = Parameters<SoftwareAuthenticator['register']>[0] & { attestation?: string };

/**
 * A registration of `authenticator` to the account of `accessToken`, whatever its answer: the
 * options it was made from (200), and the response of /verify to check.
 */
export async function attemptRegistration(
  t: TestApp,
  accessToken: string,
  authenticator: SoftwareAuthenticator,
  overrides: Parameters<SoftwareAuthenticator['register']>[1] = {},
) {
  const options = await t
    .http()
    .post('/passkeys/registration/options')
    .set('Authorization', `Bearer ${accessToken}`)
    .send({})
    .expect(200);
  const body = options.body as CreationOptions;
  const verified = await t
    .http()
    .post('/passkeys/registration/verify')
    .set('Authorization', `Bearer ${accessToken}`)
    .send(authenticator.register(body, overrides));
  return { options: body, verified };
}

/** Registers a new passkey of `authenticator` to the account of `accessToken` (201). */
export async function registerPasskey(
  t: TestApp,
  accessToken: string,
  authenticator: SoftwareAuthenticator,
): Promise<SoftwareAuthenticator> {
  const { verified } = await attemptRegistration(t, accessToken, authenticator);
  if (verified.status !== 201) {
    throw new Error(`registration answered ${verified.status}: ${JSON.stringify(verified.body)}`);
  }
  return authenticator;
}
