/**
 * The ESM-only and crypto dependencies load under Jest's CommonJS runtime and work, not just
 * import: each call below would throw if the transform configuration were wrong.
 */
import * as jose from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { SiweMessage } from '@signinwithethereum/siwe';
import { privateKeyToAccount } from 'viem/accounts';
import { mainnet } from 'viem/chains';
import { Wallet } from 'ethers';
import { createConfig, getAccount as coreGetAccount, http } from '@wagmi/core';
import { getAccount } from 'wagmi/actions';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

describe('dependencies under Jest', () => {
  it('jose signs and verifies an ES256 JWT', async () => {
    const { privateKey, publicKey } = await jose.generateKeyPair('ES256');
    const jwt = await new jose.SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(privateKey);
    const { payload } = await jose.jwtVerify(jwt, publicKey);
    expect(payload.sub).toBe('alice');
  });

  it('oauth4webapi computes an S256 PKCE challenge (RFC 7636 appendix B)', async () => {
    const challenge = await oauth.calculatePKCECodeChallenge(
      'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    );
    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('openid-client computes the same S256 PKCE challenge', async () => {
    const challenge = await oidc.calculatePKCECodeChallenge(
      'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    );
    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('the SIWE library, viem and ethers agree on a signed message', async () => {
    const account = privateKeyToAccount(KEY);
    const message = new SiweMessage({
      domain: 'localhost:25000',
      address: account.address,
      uri: 'http://localhost:25000',
      version: '1',
      chainId: 1,
      nonce: 'abcdefgh12345678',
      issuedAt: '2026-01-01T00:00:00.000Z',
    }).prepareMessage();
    const viemSignature = await account.signMessage({ message });
    const ethersSignature = await new Wallet(KEY).signMessage(message);
    expect(ethersSignature).toBe(viemSignature);
  });

  it("the RainbowKit adapter's `wagmi/actions` is wagmi's core, without wagmi's wallet SDKs", () => {
    // jest.config.js maps it: the root installs @wagmi/core, not wagmi (examples/dapp-kits does).
    expect(getAccount).toBe(coreGetAccount);
    const config = createConfig({ chains: [mainnet], transports: { [mainnet.id]: http() } });
    expect(getAccount(config)).toMatchObject({ status: 'disconnected', address: undefined });
  });
});
