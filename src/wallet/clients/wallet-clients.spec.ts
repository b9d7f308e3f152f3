import type { ClientRegistry } from '../../clients/client-registry.service';
import type { ClientRepository } from '../../clients/client.repository';
import type { OAuthClient } from '../../clients/oauth-client';
import { DEFAULT_WALLET_CLIENT_ID, WalletClients } from './wallet-clients';

describe('WalletClients.resolve', () => {
  const walletClient: OAuthClient = {
    clientId: DEFAULT_WALLET_CLIENT_ID,
    type: 'public',
    name: 'Wallet and passkey sign-in',
    redirectUris: [],
  };

  it.each([
    ['left out', undefined],
    ['null', null],
  ])('answers the built-in wallet client for a client_id %s', async (_label, clientId) => {
    const find = jest.fn((id: string) =>
      Promise.resolve(id === DEFAULT_WALLET_CLIENT_ID ? walletClient : null),
    );
    const clients = new WalletClients(
      { find } as unknown as ClientRegistry,
      {} as ClientRepository,
    );

    await expect(clients.resolve(clientId)).resolves.toBe(walletClient);
    expect(find).toHaveBeenCalledWith(DEFAULT_WALLET_CLIENT_ID);
  });
});
