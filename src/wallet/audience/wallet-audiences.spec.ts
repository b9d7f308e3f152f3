import type { OAuthClient } from '../../clients/oauth-client';
import type { WalletConfig } from '../../config/sections/wallet.config';
import type { WalletClients } from '../clients/wallet-clients';
import { WalletAudiences } from './wallet-audiences';

describe('WalletAudiences.forNonceRequest', () => {
  const walletClient: OAuthClient = {
    clientId: 'wallet',
    type: 'public',
    name: 'Wallet and passkey sign-in',
    redirectUris: [],
  };
  const service = { domain: 'localhost:25000', uri: 'http://localhost:25000' };
  let resolve: jest.Mock<Promise<OAuthClient>, [string | null | undefined]>;
  let audiences: WalletAudiences;

  beforeEach(() => {
    resolve = jest.fn((_clientId: string | null | undefined) => Promise.resolve(walletClient));
    audiences = new WalletAudiences(
      { resolve } as unknown as WalletClients,
      service as WalletConfig,
    );
  });

  it('reads a null client_id and origin as left out: a login page’s browser gets its page’s nonce', async () => {
    await expect(
      audiences.forNonceRequest({ clientId: null, origin: null, browserSession: 'session' }),
    ).resolves.toMatchObject({
      audience: { kind: 'page', browserSession: 'session' },
      site: service,
    });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('reads them as left out for a script too: the built-in wallet client, its one site', async () => {
    await expect(
      audiences.forNonceRequest({ clientId: null, origin: null }),
    ).resolves.toMatchObject({ audience: { kind: 'client', clientId: 'wallet' }, site: service });
    expect(resolve).toHaveBeenCalledWith(undefined);
  });
});
