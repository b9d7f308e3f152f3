import {
  ClientAdministration,
  type NewClient,
} from '../../src/admin/clients/client-administration.service';
import { cliCall } from '../../src/admin/io/cli-call';
import type { TestApp } from './test-app';
/**
 * A client registered as `proofgate-admin clients add` registers it (its rules, its generated
 * secret), in the running app's database: how an operator gives a client a grant type beyond the
 * browser grants (`--grant-type`). Answers the secret of a confidential client.
 */
export async function addOperatorClient(
  t: TestApp,
  wanted: Partial<NewClient> & Pick<NewClient, 'clientId'>,
): Promise<string | undefined> {
  const { secret } = await t.app
    .get(ClientAdministration, { strict: false })
    .add({ redirectUris: [], public: false, firstParty: false, ...wanted }, cliCall());
  return secret;
}
