import type { WalletConfig } from '../config/sections/wallet.config';
import { SOLANA_CLUSTERS } from '../protocol-rules/solana-clusters';
import {
  WALLET_ACCOUNT_ID_FORMS,
  WALLET_CHAINS,
  perChain,
  readWalletAccountId,
} from './wallet-chains';

const wallet: WalletConfig = {
  domain: 'app.example.com',
  uri: 'https://app.example.com',
  allowedChainIds: [1],
  solanaChains: [SOLANA_CLUSTERS[0]],
  bitcoinChains: ['bip122:000000000019d6689c085ae165831e93'],
  rpcUrls: {},
  rpcTimeoutMs: 1000,
  clockSkewSeconds: 60,
};

describe('the chain list, asked for what every chain says', () => {
  it('reads an account id by the chain whose namespace it is in, and none of another namespace', () => {
    expect(
      readWalletAccountId('eip155:1:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', wallet),
    ).toEqual({ accountId: 'eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' });
    expect(
      readWalletAccountId(
        'bip122:000000000933ea01ad0ee984209779ba:tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
        wallet,
      ),
    ).toEqual({
      refused:
        'chain bip122:000000000933ea01ad0ee984209779ba is not one the service accepts (SIWB_CHAINS: bip122:000000000019d6689c085ae165831e93)',
    });
    expect(readWalletAccountId('cosmos:cosmoshub-4:cosmos1abc', wallet)).toBeUndefined();
  });

  it('writes each chain’s phrase of a text, one per chain of the list, in its order', () => {
    expect(WALLET_ACCOUNT_ID_FORMS).toHaveLength(WALLET_CHAINS.length);
    const names = WALLET_CHAINS.map(({ syntax }) => syntax.texts.name);
    expect(
      perChain((chain) => chain.message)
        .split('. ')
        .map((part) => part.split(':')[0]),
    ).toEqual(names);
  });
});
