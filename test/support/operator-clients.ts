import {
  ClientAdministration,
  type NewClient,
} from '../../src/admin/clients/client-administration.service';
import { ClientRepository } from '../../src/clients/client.repository';
import { RegistrableGrantTypes } from '../../src/clients/registration/registrable-grant-types';
import { OAuthConfig } from '../../src/config/sections/oauth.config';
import { Clock } from '../../src/platform/clock/clock';
import { PasswordHasher } from '../../src/platform/crypto/password-hasher';
import { GrantRepository } from '../../src/tokens/grants/grant.repository';
import type { TestApp } from './test-app';
import { ServerConfig } from '../../src/config/sections/server.config';
import { LogoutConfig } from '../../src/config/sections/logout.config';
import { ClientAuthConfig } from '../../src/config/sections/client-auth.config';

/**
 * A client registered as `proofgate-admin clients add` registers it (its rules, its generated
 * secret), in the running app's database: how an operator gives a client a grant type beyond the
 * browser grants (`--grant-type`). Answers the secret of a confidential client.
 */
export async function addOperatorClient(
  t: TestApp,
  wanted: Partial<NewClient> & Pick<NewClient, 'clientId'>,
): Promise<string | undefined> {
  const get = <T>(token: abstract new (...args: never[]) => T): T =>
    t.app.get(token, { strict: false });
  const administration = new ClientAdministration(
    get(ClientRepository),
    get(GrantRepository),
    get(PasswordHasher),
    get(OAuthConfig),
    get(Clock),
    get(ServerConfig),
    get(LogoutConfig),
    get(RegistrableGrantTypes),
    get(ClientAuthConfig),
  );
  const { secret } = await administration.add({
    redirectUris: [],
    public: false,
    firstParty: false,
    ...wanted,
  });
  return secret;
}
