/**
 * "Approve with passkey" and "Approve with wallet" on /account/approvals (src/public/approval.js)
 * in the project's Chromium, one launch for the file: a passkey of a CDP virtual authenticator
 * (user verification on), an Ethereum wallet injected as `window.ethereum` whose EIP-712
 * signatures are a viem account's, and a wallet whose signature is refused, shown on the page.
 * Each approval is then redeemed by the agent at /token, whose access token carries the
 * `approval` claim over the request's RFC 8785 hash (computed here with canonicalize). Once
 * approved, the card's buttons are gone (the `hidden` attribute holds against the stylesheet's
 * `button { display: inline-block }`). The issuer
 * is http://localhost: browsers refuse an IP address as a WebAuthn RP ID.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { PAYMENT_INITIATION, PAY_12 } from '../../../support/authorization-details';
import { installTestWallet, screenshot } from '../../../support/browser';
import { type OpenedPage, openPage, startBrowserApp } from '../../../support/browser-app';
import { passwordLogin } from '../../../support/login-page';
import { backchannelRequest, cibaTokenRequest } from '../../../support/ciba';
import { addPaymentAgent } from '../../../support/ciba-approvals';
import type { TestApp } from '../../../support/test-app';
import {
  addVirtualAuthenticator,
  withoutConditionalMediation,
} from '../../../support/virtual-authenticator';

const AGENT = 'browser-agent';
const SCOPE = 'openid api';

describe('approving a CIBA request on the page, in the browser (passkey, wallet)', () => {
  let t: TestApp;
  let issuer: string;
  let browser: Browser;
  let secret: string;
  let opened: OpenedPage | undefined;

  beforeAll(async () => {
    ({ t, issuer, browser } = await startBrowserApp(
      {
        AUTHORIZATION_DETAILS_TYPES: JSON.stringify({ payment_initiation: PAYMENT_INITIATION }),
        RATE_LIMIT_LOGIN_PER_IP: '1000',
      },
      'localhost',
    ));
    secret = await addPaymentAgent(t, AGENT);
  });
  afterEach(async () => {
    await opened?.context.close();
    opened = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(): Promise<OpenedPage> {
    opened = await openPage(browser);
    return opened;
  }

  /** POST /backchannel as the agent: its auth_req_id. */
  async function ask(loginHint: string, message: string): Promise<string> {
    const res = await backchannelRequest(
      t,
      { clientId: AGENT, secret },
      {
        scope: SCOPE,
        login_hint: loginHint,
        binding_message: message,
        authorization_details: JSON.stringify([PAY_12]),
      },
    );
    expect(res.status).toBe(200);
    return (res.body as { auth_req_id: string }).auth_req_id;
  }

  function poll(authReqId: string) {
    return cibaTokenRequest(t, { clientId: AGENT, secret }, authReqId);
  }

  /** RFC 8785 hash of what the person approved, computed independently of the service. */
  function requestHash(message: string): string {
    const members = {
      client_id: AGENT,
      scope: SCOPE,
      authorization_details: [PAY_12],
      binding_message: message,
    };
    return createHash('sha256').update(canonicalize(members)!).digest('base64url');
  }

  const card = (page: Page, message: string) =>
    page.locator('.approval[data-approval-id]', { hasText: message });

  /** Opens the approvals page and clicks `button` on the request whose message is `message`. */
  async function approveOnPage(page: Page, message: string, button: string): Promise<void> {
    await page.goto(`${issuer}/account/approvals`);
    const request = card(page, message);
    await expect(request.locator('.approval-details').textContent()).resolves.toContain(
      'Pay 12.00 EUR to X <Shop>',
    );
    await request.locator(button).click();
  }

  /** The agent's tokens for `authReqId`, and their access token's claims. */
  async function redeemed(authReqId: string) {
    const tokens = await poll(authReqId);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ authorization_details: [PAY_12] });
    return decodeJwt(tokens.body.access_token as string);
  }

  it('approves with a passkey (user verified): the agent gets tokens with the approval claim', async () => {
    const { context, page, problems } = await newPage();
    await withoutConditionalMediation(page);
    const { cdp, authenticatorId } = await addVirtualAuthenticator(context, page);
    await passwordLogin(page, issuer, 'user0', 'password0', '/account');
    const add = page.locator('#add-passkey');
    await add.waitFor({ state: 'visible' });
    await Promise.all([page.waitForEvent('load'), add.click()]);
    await page.locator('tr[data-method-type="passkey"]').waitFor();

    const authReqId = await ask('user0', 'passkey pays 12');
    const started = Math.floor(Date.now() / 1000);
    await approveOnPage(page, 'passkey pays 12', 'button.approval-passkey');
    const request = card(page, 'passkey pays 12');
    await request.locator('.approval-status', { hasText: 'Approved.' }).waitFor();
    await expect(request.locator('.approval-passkey').isHidden()).resolves.toBe(true);
    await screenshot(page, 'ciba-approved-with-passkey');
    // The one credential signed the approval's challenge.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0].signCount).toBeGreaterThan(0);

    const claims = await redeemed(authReqId);
    expect(claims).toMatchObject({
      sub: 'user0',
      client_id: AGENT,
      auth_method: 'passkey',
      approval: { method: 'passkey', hash: requestHash('passkey pays 12') },
    });
    const { time } = claims.approval as { time: number };
    expect(time).toBeGreaterThanOrEqual(started - 1);
    expect(problems).toEqual([]);
  });

  /** A wallet account signed in on the login page with its injected `window.ethereum`. */
  async function walletSignedIn(
    page: Page,
    account: PrivateKeyAccount,
    typedDataSigner?: PrivateKeyAccount,
  ): Promise<{ asked: string[] }> {
    const wallet = await installTestWallet(page, account, typedDataSigner && { typedDataSigner });
    await page.goto(`${issuer}/login?return_to=%2Faccount%2Fapprovals`);
    await Promise.all([
      page.waitForURL(`${issuer}/account/approvals`),
      page.locator('#siwe-login').click(),
    ]);
    return wallet;
  }

  it('approves with an injected Ethereum wallet’s EIP-712 signature: tokens with the approval claim', async () => {
    const { page, problems } = await newPage();
    const account = privateKeyToAccount(generatePrivateKey());
    const wallet = await walletSignedIn(page, account);
    const authReqId = await ask(`eip155:1:${account.address}`, 'wallet pays 12');
    await approveOnPage(page, 'wallet pays 12', 'button.approval-wallet');
    const request = card(page, 'wallet pays 12');
    await request.locator('.approval-status', { hasText: 'Approved.' }).waitFor();
    await expect(request.locator('.approval-wallet').isHidden()).resolves.toBe(true);
    expect(wallet.asked.slice(-3)).toEqual([
      'eth_requestAccounts',
      'eth_chainId',
      'eth_signTypedData_v4',
    ]);
    await screenshot(page, 'ciba-approved-with-wallet');

    expect(await redeemed(authReqId)).toMatchObject({
      sub: `eip155:1:${account.address}`,
      client_id: AGENT,
      approval: { method: 'eip155', hash: requestHash('wallet pays 12') },
    });
    expect(problems).toEqual([]);
  });

  it('shows a refused signature on the page and leaves the request pending, then denied', async () => {
    const { page, problems } = await newPage();
    const account = privateKeyToAccount(generatePrivateKey());
    // The wallet answers typed data with another key's signature.
    await walletSignedIn(page, account, privateKeyToAccount(generatePrivateKey()));
    const authReqId = await ask(`eip155:1:${account.address}`, 'forged pays 12');
    await approveOnPage(page, 'forged pays 12', 'button.approval-wallet');
    const request = card(page, 'forged pays 12');
    const alert = request.locator('.approval-error');
    await alert.waitFor({ state: 'visible' });
    await expect(alert.textContent()).resolves.toMatch(/signature/i);
    await expect(request.locator('.approval-status').isHidden()).resolves.toBe(true);
    await expect(request.locator('.approval-wallet').isEnabled()).resolves.toBe(true);
    await screenshot(page, 'ciba-approval-refused');

    const pending = await poll(authReqId);
    expect(pending.status).toBe(400);
    expect(pending.body).toMatchObject({ error: 'authorization_pending' });

    // The person can still say no: the agent is told so.
    await Promise.all([
      page.waitForURL(`${issuer}/account/approvals`),
      request.locator('button.approval-deny').click(),
    ]);
    await card(page, 'forged pays 12').waitFor({ state: 'detached' });
    const denied = await poll(authReqId);
    expect(denied.status).toBe(400);
    expect(denied.body).toMatchObject({ error: 'access_denied' });
    // The refused approval is the page's only problem (its POST's 401 in the console).
    expect(problems.every((problem) => /401/.test(problem))).toBe(true);
  });
});
