/**
 * The dApp-kit adapters of examples/dapp-kits (issue #21), against the real service listening
 * on a port, with real signers and without the kits' modal UI (which needs network services).
 *
 * - Reown AppKit SIWX: `ProofgateSIWX` driven the way AppKit's SIWX flow calls a `SIWXConfig`
 *   (getSessions, createMessage, the wallet signs `toString()`, addSession; revokeSession on
 *   disconnect), for an EVM account (viem) and a Solana one (an Ed25519 keypair, base58
 *   signature as AppKit's Solana adapter hands it over).
 * - RainbowKit: the `AuthenticationAdapter` driven as RainbowKit's sign-in step calls it, on a
 *   real wagmi config whose connector is a viem account behind an EIP-1193 provider; the message
 *   is signed through wagmi's own `signMessage` action. RainbowKit's runtime does not load under
 *   jest (see jest.config.js), so the adapter is typed against its package and driven directly.
 */
import type { Address, Hex } from 'viem';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
// wagmi's own entries (`wagmi`, `wagmi/actions`, `wagmi/chains`) re-export these from its core
// and viem; the root installs only the core: wagmi itself pulls React and every wallet SDK.
import {
  connect,
  createConfig,
  createConnector,
  disconnect,
  getAccount,
  http,
  signMessage,
} from '@wagmi/core';
import { mainnet } from 'viem/chains';
import { proofgateAuthenticationAdapter } from '../../../examples/dapp-kits/proofgate-rainbowkit';
import { ProofgateSIWX } from '../../../examples/dapp-kits/proofgate-siwx';
import { ProofgateError } from '../../../examples/dapp-kits/proofgate-wallet-api';
import { newSolanaWallet } from '../../support/solana';
import { useListeningApp } from '../../support/use-test-app';

const SOLANA_MAINNET = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';

/** A wagmi connector whose wallet is a viem local account behind an EIP-1193 provider. */
function localAccountConnector(account: PrivateKeyAccount) {
  const provider = {
    request: async ({ method, params }: { method: string; params?: unknown[] }) => {
      switch (method) {
        case 'eth_accounts':
        case 'eth_requestAccounts':
          return [account.address];
        case 'eth_chainId':
          return '0x1';
        case 'personal_sign': {
          const [data] = params as [Hex];
          return account.signMessage({ message: { raw: data } });
        }
        default:
          throw new Error(`local account: unsupported method ${method}`);
      }
    },
  };
  return createConnector<typeof provider>((config) => ({
    id: 'local-account',
    name: 'Local account',
    type: 'local-account',
    connect<withCapabilities extends boolean = false>() {
      const accounts: readonly Address[] = [account.address];
      // The generic return type (plain addresses unless capabilities are asked for) is wagmi's.
      return Promise.resolve({ accounts, chainId: config.chains[0].id } as {
        accounts: withCapabilities extends true
          ? readonly { address: Address; capabilities: Record<string, unknown> }[]
          : readonly Address[];
        chainId: number;
      });
    },
    disconnect: () => Promise.resolve(),
    getAccounts: () => Promise.resolve([account.address]),
    getChainId: () => Promise.resolve(config.chains[0].id),
    getProvider: () => Promise.resolve(provider),
    isAuthorized: () => Promise.resolve(true),
    onAccountsChanged: () => {},
    onChainChanged: () => {},
    onDisconnect: () => {},
  }));
}

describe('dApp-kit adapters against a running Proofgate', () => {
  const t = useListeningApp();

  const apiMe = (accessToken: string) =>
    fetch(`${t.issuer}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });

  describe('Reown AppKit SIWX: ProofgateSIWX', () => {
    it('signs an EVM account in and out (eip155:1), with a server-issued nonce', async () => {
      const siwx = new ProofgateSIWX({ issuer: t.issuer });
      const account = privateKeyToAccount(generatePrivateKey());
      const chainId = 'eip155:1' as const;
      expect(await siwx.getSessions(chainId, account.address)).toEqual([]);

      const message = await siwx.createMessage({ accountAddress: account.address, chainId });
      expect(message).toMatchObject({ accountAddress: account.address, chainId, version: '1' });
      const text = message.toString();
      expect(text).toContain(`\nNonce: ${message.nonce}\n`);
      const signature = await account.signMessage({ message: text });
      await siwx.addSession({ data: message, message: text, signature });

      const sessions = await siwx.getSessions(chainId, account.address.toLowerCase());
      expect(sessions).toHaveLength(1);
      expect(sessions[0].signature).toBe(signature);
      const tokens = siwx.tokens(chainId, account.address)!;
      const me = await apiMe(tokens.access_token);
      expect(await me.json()).toMatchObject({
        sub: `eip155:1:${account.address}`,
        auth_method: 'siwe',
      });

      await siwx.revokeSession(chainId, account.address);
      expect(await siwx.getSessions(chainId, account.address)).toEqual([]);
      expect((await apiMe(tokens.access_token)).status).toBe(401);
    });

    it('signs a Solana account in (CAIP-2 genesis chain id, base58 signature)', async () => {
      const siwx = new ProofgateSIWX({ issuer: t.issuer });
      const wallet = newSolanaWallet();
      const { address } = wallet;
      const message = await siwx.createMessage({
        accountAddress: address,
        chainId: SOLANA_MAINNET,
      });
      const text = message.toString();
      expect(text.split('\n')[0]).toBe(
        `${new URL(t.issuer).host} wants you to sign in with your Solana account:`,
      );
      const signature = wallet.signText(text);
      await siwx.addSession({ data: message, message: text, signature });

      expect(await siwx.getSessions(SOLANA_MAINNET, address)).toHaveLength(1);
      const me = await apiMe(siwx.tokens(SOLANA_MAINNET, address)!.access_token);
      expect(await me.json()).toMatchObject({
        sub: `${SOLANA_MAINNET}:${address}`,
        auth_method: 'siws',
      });
    });

    it('refuses a session whose signature Proofgate refuses, and a replayed one', async () => {
      const siwx = new ProofgateSIWX({ issuer: t.issuer });
      const account = privateKeyToAccount(generatePrivateKey());
      const chainId = 'eip155:1' as const;
      const message = await siwx.createMessage({ accountAddress: account.address, chainId });
      const text = message.toString();
      const forged = await privateKeyToAccount(generatePrivateKey()).signMessage({ message: text });
      await expect(
        siwx.addSession({ data: message, message: text, signature: forged }),
      ).rejects.toEqual(
        new ProofgateError(
          401,
          'invalid_signature',
          'The signature is not valid for the message address',
        ),
      );
      expect(await siwx.getSessions(chainId, account.address)).toEqual([]);

      const signature = await account.signMessage({ message: text });
      await siwx.addSession({ data: message, message: text, signature });
      // setSessions with the same signed message again, in another config: the nonce is spent.
      const other = new ProofgateSIWX({ issuer: t.issuer });
      await expect(
        other.setSessions([{ data: message, message: text, signature }]),
      ).rejects.toMatchObject({ error: 'nonce_already_used' });
    });

    it('keeps a session alive past its access token by refreshing, and forgets one revoked elsewhere', async () => {
      const siwx = new ProofgateSIWX({ issuer: t.issuer });
      const account = privateKeyToAccount(generatePrivateKey());
      const chainId = 'eip155:1' as const;
      const message = await siwx.createMessage({ accountAddress: account.address, chainId });
      const text = message.toString();
      await siwx.addSession({
        data: message,
        message: text,
        signature: await account.signMessage({ message: text }),
      });
      const first = siwx.tokens(chainId, account.address)!;

      t.clock.advance(t.config.tokens.accessTokenTtlSeconds + 1);
      expect(await siwx.getSessions(chainId, account.address)).toHaveLength(1);
      const second = siwx.tokens(chainId, account.address)!;
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect((await apiMe(second.access_token)).status).toBe(200);

      await siwx.api.revoke(second.refresh_token);
      expect(await siwx.getSessions(chainId, account.address)).toEqual([]);
    });
  });

  describe('RainbowKit: proofgateAuthenticationAdapter', () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const wagmiConfig = createConfig({
      chains: [mainnet],
      connectors: [localAccountConnector(account)],
      // Never called: signing goes to the connector's provider, nothing reads the chain.
      transports: { [mainnet.id]: http('http://127.0.0.1:9') },
    });
    let adapter: ReturnType<typeof proofgateAuthenticationAdapter>;
    beforeAll(() => {
      adapter = proofgateAuthenticationAdapter({ issuer: t.issuer, wagmiConfig });
    });

    it('refuses to ask for a nonce before a wallet is connected, and says why', async () => {
      await expect(adapter.getNonce()).rejects.toThrow(
        'Connect a wallet first: Proofgate binds each nonce to an address and chain',
      );
    });

    it('signs in through wagmi as RainbowKit does, then signs out', async () => {
      await connect(wagmiConfig, { connector: wagmiConfig.connectors[0] });
      const { address, chainId } = getAccount(wagmiConfig);
      expect(address).toBe(account.address);

      const nonce = await adapter.getNonce();
      const message = adapter.createMessage({ nonce, address: address!, chainId: chainId! });
      expect(message).toContain(`\nNonce: ${nonce}\n`);
      expect(message).toContain(`\n${account.address}\n`);
      const signature = await signMessage(wagmiConfig, { message });
      expect(await adapter.verify({ message, signature })).toBe(true);

      const tokens = adapter.tokens()!;
      const me = await apiMe(tokens.access_token);
      expect(await me.json()).toMatchObject({
        sub: `eip155:1:${account.address}`,
        auth_method: 'siwe',
      });

      await adapter.signOut();
      expect(adapter.tokens()).toBeUndefined();
      expect((await apiMe(tokens.access_token)).status).toBe(401);
    });

    it('answers false for a signature Proofgate refuses', async () => {
      const nonce = await adapter.getNonce();
      const { address, chainId } = getAccount(wagmiConfig);
      const message = adapter.createMessage({ nonce, address: address!, chainId: chainId! });
      const forged = await privateKeyToAccount(generatePrivateKey()).signMessage({ message });
      expect(await adapter.verify({ message, signature: forged })).toBe(false);
      expect(adapter.tokens()).toBeUndefined();
    });

    it('refuses to build a message for another account than the nonce was issued to', async () => {
      const nonce = await adapter.getNonce();
      const other = privateKeyToAccount(generatePrivateKey());
      expect(() => adapter.createMessage({ nonce, address: other.address, chainId: 1 })).toThrow(
        'The account or chain changed since the nonce was issued; sign in again',
      );
      await disconnect(wagmiConfig);
    });
  });
});
