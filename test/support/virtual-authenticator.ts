/**
 * Passkeys in the project's Chromium: a virtual authenticator (Chrome DevTools Protocol, WebAuthn
 * domain) that a page's real ceremonies talk to.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/**
 * A CTAP2 platform authenticator with resident keys and user verification, presence simulated,
 * for `page`: the DevTools session it lives in and its id (to read or clear its credentials).
 */
export async function addVirtualAuthenticator(
  context: BrowserContext,
  page: Page,
): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/**
 * The virtual authenticator would answer the login page's conditional (autofill) request on its
 * own: `page`'s scripts are told the browser has no conditional mediation, so only the button
 * signs in.
 */
export async function withoutConditionalMediation(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const browserGlobals = globalThis as unknown as { PublicKeyCredential: object };
    Object.defineProperty(browserGlobals.PublicKeyCredential, 'isConditionalMediationAvailable', {
      value: () => Promise.resolve(false),
    });
  });
}
