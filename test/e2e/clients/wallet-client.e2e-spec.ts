/**
 * The built-in `wallet` client: its tokens come from any wallet (SIWE, SIWS) or a passkey, and
 * its name says so, also in a database registered under its first name ("Sign-In with Ethereum").
 */
import { TestApp, createTestApp } from '../../support/test-app';

interface StoredClient {
  _id: string;
  name: string;
}

describe('the built-in wallet client', () => {
  let t: TestApp;
  const stored = () =>
    t.connection.collection<StoredClient>('oauth_clients').findOne({ _id: 'wallet' });

  afterAll(() => t?.close());

  it('is named for every wallet and passkeys, and a database with its old name is renamed at start', async () => {
    t = await createTestApp();
    expect(await stored()).toMatchObject({ name: 'Wallet and passkey sign-in' });

    await t.connection
      .collection<StoredClient>('oauth_clients')
      .updateOne({ _id: 'wallet' }, { $set: { name: 'Sign-In with Ethereum' } });
    await t.close({ dropDatabase: false });
    t = await createTestApp();

    expect(await stored()).toMatchObject({ name: 'Wallet and passkey sign-in' });
  });
});
