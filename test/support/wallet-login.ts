/**
 * The first half of a wallet login as a dApp does it: a message over a fresh nonce of
 * POST /wallet/nonce (answered 201), signed by the wallet. What the test then does with it
 * (POST /wallet/verify, /login/siwe, linking) is the test's own.
 */
import type { PrivateKeyAccount } from 'viem/accounts';
import type { SolanaTestWallet } from './solana';
import type { TestApp } from './test-app';

export interface SignedMessage {
  message: string;
  signature: string;
}

/** The message /wallet/nonce issues for `address` on `chainId` (EIP-155 number or CAIP-2). */
export async function nonceMessage(
  t: TestApp,
  address: string,
  chainId: number | string,
): Promise<string> {
  const issued = await t.http().post('/wallet/nonce').send({ address, chainId }).expect(201);
  return (issued.body as { message: string }).message;
}

/**
 * A SIWE message (EIP-4361) for `account` on Ethereum mainnet, signed by `signer` (the account
 * itself unless a test signs with another key).
 */
export async function signedSiweMessage(
  t: TestApp,
  account: PrivateKeyAccount,
  signer: PrivateKeyAccount = account,
): Promise<SignedMessage> {
  const message = await nonceMessage(t, account.address, 1);
  return { message, signature: await signer.signMessage({ message }) };
}

/** A Sign In With Solana message for `wallet` on `chain`, signed by the wallet (base58). */
export async function signedSiwsMessage(
  t: TestApp,
  wallet: SolanaTestWallet,
  chain = 'solana:mainnet',
): Promise<SignedMessage> {
  const message = await nonceMessage(t, wallet.address, chain);
  return { message, signature: wallet.signText(message) };
}

/**
 * A whole SIWE login of `account` at POST /wallet/verify (answered 200), with `extra` fields in
 * its body (a `client_id`): the tokens.
 */
export async function walletLogin(
  t: TestApp,
  account: PrivateKeyAccount,
  extra: Record<string, string> = {},
): Promise<{ access_token: string; refresh_token: string }> {
  const signed = await signedSiweMessage(t, account);
  const res = await t
    .http()
    .post('/wallet/verify')
    .send({ ...signed, ...extra })
    .expect(200);
  return res.body as { access_token: string; refresh_token: string };
}
