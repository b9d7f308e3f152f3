/**
 * "Sign in with Bitcoin" on the login page (issue #33 item 4), in headless Chromium with a wallet
 * in the page whose key the test holds (the lab's Bitcoin wallet, signing BIP-322 simple with
 * @scure/btc-signer), shown to the page as each interface the page looks for does: a UniSat-style
 * provider (`window.unisat`), a Wallet Standard wallet (`bitcoin:connect`, `bitcoin:signMessage`),
 * sats-connect's provider as Xverse injects it, Leather's. A pending /authorize request of
 * demo-client is completed by clicking the button, and the code, exchanged with its secret and the
 * PKCE verifier, gives tokens for the wallet's CAIP-10 account.
 */
import type { BitcoinAddressType } from '../../../src/lab-client/siwb-scenarios';
import {
  type BitcoinWalletInterface,
  installBitcoinTestWallet,
  screenshot,
  until,
} from '../../support/browser';
import { useBrowserApp } from '../../support/browser-app';
import { authorizeUrl, signInToCallback } from '../../support/login-page';
import { DEMO_CLIENT, exchangeCode, pkcePair } from '../../support/oauth';

const MAINNET = 'bip122:000000000019d6689c085ae165831e93';

describe('Sign in with Bitcoin on the login page (browser)', () => {
  const spec = useBrowserApp({ RATE_LIMIT_LOGIN_PER_IP: '100000' }, { client: DEMO_CLIENT });

  it.each<[BitcoinAddressType, BitcoinWalletInterface, string]>([
    ['p2tr', 'unisat', 'bip322-simple'],
    ['p2pkh', 'unisat', 'ecdsa'],
    // Asked for BIP-322 by name: sats-connect would sign ECDSA (legacy) for P2WPKH and P2SH.
    ['p2sh-p2wpkh', 'sats-connect', 'BIP322'],
    ['p2wpkh', 'wallet-standard', 'bitcoin:signMessage'],
    ['p2wpkh', 'leather', 'p2wpkh'],
  ])(
    'completes the authorization request of demo-client with a %s wallet (%s)',
    async (type, via, kind) => {
      const { t, issuer, page, problems } = spec;
      const wallet = await installBitcoinTestWallet(page, type, via);
      const { verifier, challenge } = pkcePair();
      await page.goto(
        authorizeUrl(issuer, DEMO_CLIENT, {
          challenge,
          state: 'bitcoin-state',
          scope: 'openid profile',
        }),
      );
      expect(new URL(page.url()).pathname).toBe('/login');
      const button = page.locator('#siwb-login');
      await expect(button.isEnabled()).resolves.toBe(true);
      await expect(button.textContent()).resolves.toBe('Sign in with Bitcoin');
      if (via === 'unisat') await screenshot(page, `siwb-login-page-${type}`);

      const code = await signInToCallback(
        page,
        issuer,
        DEMO_CLIENT,
        '#siwb-login',
        'bitcoin-state',
      );

      // The wallet signed exactly one message, the Sign in with Bitcoin text for its address.
      expect(wallet.signed).toHaveLength(1);
      expect(wallet.signed[0].kind).toBe(kind);
      expect(wallet.signed[0].message.split('\n').slice(0, 2)).toEqual([
        `127.0.0.1:${new URL(issuer).port} wants you to sign in with your Bitcoin account:`,
        wallet.address,
      ]);
      const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
      const idToken = JSON.parse(
        Buffer.from((tokens.body.id_token as string).split('.')[1], 'base64url').toString(),
      ) as { sub: string; amr: string[] };
      expect(idToken).toMatchObject({ sub: `${MAINNET}:${wallet.address}`, amr: ['siwb'] });
      expect(problems).toEqual([]);
    },
  );

  it('offers the button once a Wallet Standard wallet registers after the page loaded', async () => {
    const { issuer, page, problems } = spec;
    await page.goto(`${issuer}/login`);
    const button = page.locator('#siwb-login');
    await expect(button.isDisabled()).resolves.toBe(true);
    // A wallet whose extension loads late announces itself (wallet-standard:register-wallet).
    await page.evaluate(() => {
      const noop = () => Promise.reject(new Error('not used'));
      const wallet = {
        version: '1.0.0',
        name: 'Late Bitcoin Wallet',
        icon: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=',
        chains: ['bitcoin:mainnet'],
        accounts: [],
        features: {
          'bitcoin:connect': { version: '1.0.0', connect: noop },
          'bitcoin:signMessage': { version: '1.0.0', signMessage: noop },
        },
      };
      (globalThis as unknown as EventTarget).dispatchEvent(
        new CustomEvent('wallet-standard:register-wallet', {
          detail: ({ register }: { register: (w: typeof wallet) => void }) => register(wallet),
        }),
      );
    });
    await until(async () => await button.isEnabled(), 5_000);
    await expect(button.textContent()).resolves.toBe('Sign in with Bitcoin');
    expect(problems).toEqual([]);
  });

  it('disables the button when the browser has no Bitcoin wallet', async () => {
    const { issuer, page, problems } = spec;
    await page.goto(`${issuer}/login`);
    const button = page.locator('#siwb-login');
    await expect(button.textContent()).resolves.toBe('No Bitcoin wallet found in this browser');
    await expect(button.isDisabled()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });
});
