/**
 * A session proven on another device (an identity wallet answering a QR code while this browser
 * polled, OpenID4VP cross-device) may come from a relayed code: a phishing page shows the real
 * request's QR code, the person's wallet answers it, and the page's browser holds the session.
 * Such a session changes none of the account's sign-in methods (adds or removes none, a password,
 * passkey, wallet, address or credential alike), as it never gets the `account` scope at
 * /authorize: the phisher would otherwise add a way in of their own and keep it. A sign-in on
 * this device (any method, the identity wallet's same-device redirect included) may.
 */
export function crossDeviceMayNotChange(login: { readonly crossDevice?: boolean }): boolean {
  return login.crossDevice === true;
}

/** What the user is told when it may not. */
export const CROSS_DEVICE_REFUSAL =
  'This session was signed in by a wallet on another device: changing the account’s sign-in methods needs a sign-in on this device; sign in again here';
