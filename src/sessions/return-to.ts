export const DEFAULT_RETURN_TO = '/';
/** The account page (GET /account): a signed-in browser's methods. */
export const ACCOUNT_PAGE = '/account';
/** The signed-in person's pending backchannel requests (CIBA): GET /account/approvals. */
export const APPROVALS_PAGE = '/account/approvals';
/** Longer values are not a real authorization request; they fall back to the default. */
export const RETURN_TO_MAX_LENGTH = 4096;
/** A path-absolute reference to our own /authorize with a query of printable ASCII only. */
const AUTHORIZE_REQUEST = /^\/authorize\?[\x21-\x7E]*$/;
/** The device verification page (RFC 8628 §3.3), with its prefilled user code if any. */
const DEVICE_PAGE = /^\/device(\?user_code=[A-Za-z0-9%-]{0,32})?$/;

/**
 * Where the login form may send the browser afterwards: back to an authorization request on this
 * server or to the device verification page, else `/`. Anything else (absolute URLs, `//host`, `/\host`, which browsers treat as
 * `//host`, other paths) is replaced, never followed: an open redirect would lend our origin to
 * phishing and could leak codes to other sites.
 */
export function safeReturnTo(candidate: string | null | undefined): string {
  // The account and approvals pages send a browser without a session to sign in, and back.
  if (candidate === ACCOUNT_PAGE || candidate === APPROVALS_PAGE) return candidate;
  if (
    // JSON's null is absent, as an omitted field (the validation pipe refuses it before this).
    candidate === undefined ||
    candidate === null ||
    candidate.length > RETURN_TO_MAX_LENGTH ||
    candidate.includes('\\') ||
    !(AUTHORIZE_REQUEST.test(candidate) || DEVICE_PAGE.test(candidate))
  ) {
    return DEFAULT_RETURN_TO;
  }
  return candidate;
}
