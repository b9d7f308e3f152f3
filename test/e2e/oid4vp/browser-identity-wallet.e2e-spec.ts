/**
 * "Sign in with your identity wallet" on the login page, in headless Chromium: a pending /authorize
 * request of demo-spa lands on the login page; the button shows a link for a wallet on this device
 * and a QR code, which decodes (jsQR, as a phone's camera would read it) to the very same
 * authorization request; the independent holder (test/support/identity-wallet.ts) answers it from
 * "the phone", and the page's polling signs in and continues to the client's callback. A wallet's
 * refusal is shown in the page, and the button is offered again. The strict CSP reports nothing.
 */
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { relayAuthorizeRedirects, screenshot } from '../../support/browser';
import { useBrowserApp } from '../../support/browser-app';
import { authorizeUrl } from '../../support/login-page';
import { DEMO_SPA, exchangeCode, pkcePair } from '../../support/oauth';
import { answer, issueCredential, newHolder, resolveRequest } from '../../support/identity-wallet';

const FAST = { RATE_LIMIT_OID4VP_PER_IP: '10000', ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000' };
/** The size the QR code is read at (pixels a side). */
const READ_AT = 400;

/** The QR code the page shows, read as a camera would: its pixels, decoded by jsQR. */
async function readQrCode(page: Page): Promise<string | undefined> {
  // Run in the page (a string: the specs are not typed against the DOM).
  const pixels = await page.evaluate<string>(`(async () => {
    const image = document.getElementById('oid4vp-qr');
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = ${READ_AT};
    canvas.height = ${READ_AT};
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0, ${READ_AT}, ${READ_AT});
    let binary = '';
    for (const byte of context.getImageData(0, 0, ${READ_AT}, ${READ_AT}).data) {
      binary += String.fromCharCode(byte);
    }
    return btoa(binary);
  })()`);
  const data = new Uint8ClampedArray(Buffer.from(pixels, 'base64'));
  return jsQR(data, READ_AT, READ_AT)?.data;
}

describe('Sign in with your identity wallet on the login page (browser)', () => {
  const spec = useBrowserApp(FAST, { client: DEMO_SPA, host: 'localhost' });

  async function showRequest(state: string) {
    const { issuer, page } = spec;
    const { verifier, challenge } = pkcePair();
    await page.goto(authorizeUrl(issuer, DEMO_SPA, { challenge, state, scope: 'openid identity' }));
    expect(new URL(page.url()).pathname).toBe('/login');
    const button = page.locator('#oid4vp-login');
    await expect(button.isVisible()).resolves.toBe(true);
    await expect(button.textContent()).resolves.toBe('Sign in with your identity wallet');
    await button.click();
    const link = page.locator('#oid4vp-link');
    await link.waitFor();
    return { verifier, authorizationRequest: (await link.getAttribute('href'))! };
  }

  it('shows a link and a QR code of one request; answered from the phone, the polling page signs in', async () => {
    const { t, issuer, page, problems } = spec;
    const answers = await relayAuthorizeRedirects(page, issuer, DEMO_SPA.redirectUri);
    const { verifier, authorizationRequest } = await showRequest('wallet-state');
    expect(authorizationRequest).toMatch(/^openid4vp:\/\/\?client_id=/);
    await expect(readQrCode(page)).resolves.toBe(authorizationRequest);
    await screenshot(page, 'identity-wallet-login-page');

    const holder = await newHolder();
    const [, answered] = await Promise.all([
      page.waitForURL((url) => `${url.origin}${url.pathname}` === DEMO_SPA.redirectUri),
      answer(authorizationRequest, holder, await issueCredential({ holder })),
    ]);
    expect(answered.status).toBe(200);
    const callback = new URL(page.url());
    // /authorize first sent the browser to the login page; signed in, it answered the callback.
    expect(answers.map(({ status }) => status)).toEqual([302, 302]);
    expect(answers[1]).toEqual({ status: 302, location: callback.href });
    expect(callback.searchParams.get('state')).toBe('wallet-state');
    const tokens = await exchangeCode(
      t.app.getHttpServer(),
      callback.searchParams.get('code')!,
      verifier,
      DEMO_SPA,
    ).expect(200);
    const me = await fetch(`${issuer}/api/me`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(await me.json()).toMatchObject({ auth_method: 'oid4vp', client_id: DEMO_SPA.id });
    expect(problems).toEqual([]);
  });

  it('shows the wallet’s refusal and offers the button again', async () => {
    const { page, problems } = spec;
    const { authorizationRequest } = await showRequest('declined-state');
    const request = await resolveRequest(authorizationRequest);
    const declined = await fetch(request.payload.response_uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        error: 'access_denied',
        state: request.payload.state!,
      }).toString(),
    });
    expect(declined.status).toBe(200);
    const alert = page.locator('#oid4vp-error');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe('The wallet declined the request.');
    await expect(page.locator('#oid4vp-qr').count()).resolves.toBe(0);
    await expect(page.locator('#oid4vp-login').isEnabled()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });
});
