/**
 * The first half of a wallet login as a dApp, the login page or the account page does it: a
 * message over a fresh nonce (answered 201), signed by the wallet. Whom the nonce is for decides
 * where its signature is accepted (a client at POST /wallet/verify, a browser's login page at
 * /login/siwe, an account's linking): `NonceFor` says which to ask for.
 */
import request from 'supertest';
import type { PrivateKeyAccount } from 'viem/accounts';
import type { SolanaTestWallet } from './solana';
import type { TestApp } from './test-app';

export interface SignedMessage {
  message: string;
  signature: string;
}

type Agent = ReturnType<typeof request.agent>;

/**
 * Whom a nonce is asked for: by default a script's (POST /wallet/nonce without cookies: the
 * built-in `wallet` client); `{ client_id }` (and `origin`) a dApp's; `{ browser }` the login page
 * of that cookie-holding browser (it must have loaded GET /login), or of the browser whose
 * `{ cookies }` these are; `{ linkTo }` the bearer's account, to link the wallet (POST
 * /account/methods/wallet/nonce), `{ accountPage, csrf }` the signed-in browser's account (the
 * account page's POST /account/wallets/nonce).
 */
export type NonceFor =
  | { client_id?: string; origin?: string }
  | { browser: Agent }
  | { cookies: string }
  | { linkTo: string }
  | { accountPage: Agent; csrf: string };

/** The message issued for `address` on `chainId` (EIP-155 number or CAIP-2), for `nonceFor`. */
export async function nonceMessage(
  t: TestApp,
  address: string,
  chainId: number | string,
  nonceFor: NonceFor = {},
): Promise<string> {
  const issued = await nonceRequest(t, { address, chainId }, nonceFor).expect(201);
  return (issued.body as { message: string }).message;
}

function nonceRequest(t: TestApp, body: object, nonceFor: NonceFor) {
  if ('browser' in nonceFor) return nonceFor.browser.post('/wallet/nonce').send(body);
  if ('cookies' in nonceFor) {
    return t.http().post('/wallet/nonce').set('Cookie', nonceFor.cookies).send(body);
  }
  if ('accountPage' in nonceFor) {
    return nonceFor.accountPage
      .post('/account/wallets/nonce')
      .send({ ...body, csrf_token: nonceFor.csrf });
  }
  if ('linkTo' in nonceFor) {
    return t
      .http()
      .post('/account/methods/wallet/nonce')
      .set('Authorization', `Bearer ${nonceFor.linkTo}`)
      .send(body);
  }
  return t
    .http()
    .post('/wallet/nonce')
    .send({ ...body, ...nonceFor });
}

/**
 * A SIWE message (EIP-4361) for `account` on Ethereum mainnet, issued for `nonceFor`, signed by
 * `signer` (the account itself unless a test signs with another key).
 */
export async function signedSiweMessage(
  t: TestApp,
  account: PrivateKeyAccount,
  signer: PrivateKeyAccount = account,
  nonceFor: NonceFor = {},
): Promise<SignedMessage> {
  const message = await nonceMessage(t, account.address, 1, nonceFor);
  return { message, signature: await signer.signMessage({ message }) };
}

/** A Sign In With Solana message for `wallet` on `chain`, for `nonceFor`, signed by the wallet. */
export async function signedSiwsMessage(
  t: TestApp,
  wallet: SolanaTestWallet,
  chain = 'solana:mainnet',
  nonceFor: NonceFor = {},
): Promise<SignedMessage> {
  const message = await nonceMessage(t, wallet.address, chain, nonceFor);
  return { message, signature: wallet.signText(message) };
}

/**
 * A whole SIWE login of `account` at POST /wallet/verify (answered 200), with `extra` fields in
 * its body (a `client_id`, which the nonce is then asked for too): the tokens.
 */
export async function walletLogin(
  t: TestApp,
  account: PrivateKeyAccount,
  extra: Record<string, string> = {},
): Promise<{ access_token: string; refresh_token: string }> {
  const nonceFor = extra.client_id === undefined ? {} : { client_id: extra.client_id };
  const signed = await signedSiweMessage(t, account, account, nonceFor);
  const res = await t
    .http()
    .post('/wallet/verify')
    .send({ ...signed, ...extra })
    .expect(200);
  return res.body as { access_token: string; refresh_token: string };
}

/**
 * "Sign in with Ethereum" on the login page, as its script does it: a fresh browser loads
 * GET /login, asks for a nonce of that page (its cookies), and posts the signed message with the
 * page's CSRF token to POST /login/siwe. The answer is the test's to judge; the browser keeps
 * the session cookie when there is one.
 */
export async function walletPageLogin(
  t: TestApp,
  account: PrivateKeyAccount,
): Promise<{ browser: Agent; res: request.Response }> {
  const browser = request.agent(t.app.getHttpServer());
  const page = await browser.get('/login').expect(200);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
  const proof = await signedSiweMessage(t, account, account, { browser });
  const res = await browser
    .post('/login/siwe')
    .send({ ...proof, csrf_token: csrf, return_to: '/' });
  return { browser, res };
}

/** A browser signed in with `account`'s wallet on the login page (POST /login/siwe 200). */
export async function walletBrowser(t: TestApp, account: PrivateKeyAccount): Promise<Agent> {
  const { browser, res } = await walletPageLogin(t, account);
  if (res.status !== 200) throw new Error(`POST /login/siwe answered ${res.status}: ${res.text}`);
  return browser;
}
