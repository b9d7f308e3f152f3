/**
 * A passkey of the lab's software authenticator (src/lab-client/software-authenticator.ts) added to
 * an account of the acceptance suite's people (people.ts).
 */
import { SoftwareAuthenticator } from '../../src/lab-client/software-authenticator';

/**
 * The origin the service expects ceremonies from: the issuer's when its host lies under the RP
 * ID, else the RP ID's host on the issuer's scheme and port (examples/passkey-login.ts).
 */
function ceremonyOrigin(issuer: string, rpId: string): string {
  const url = new URL(issuer);
  if (url.hostname === rpId || url.hostname.endsWith(`.${rpId}`)) return url.origin;
  return `${url.protocol}//${rpId}${url.port ? `:${url.port}` : ''}`;
}

/** A software passkey added to the account of `accountToken` (/passkeys/registration/*). */
export async function addPasskey(
  issuer: string,
  accountToken: string,
): Promise<SoftwareAuthenticator> {
  const post = (path: string, body: unknown) =>
    fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accountToken}` },
      body: JSON.stringify(body),
    });
  const options = await post('/passkeys/registration/options', {});
  expect(options.status).toBe(200);
  const creation = (await options.json()) as Parameters<SoftwareAuthenticator['register']>[0] & {
    rp: { id: string };
  };
  const authenticator = new SoftwareAuthenticator({
    rpId: creation.rp.id,
    origin: ceremonyOrigin(issuer, creation.rp.id),
  });
  const added = await post('/passkeys/registration/verify', authenticator.register(creation));
  expect(added.status).toBe(201);
  return authenticator;
}
