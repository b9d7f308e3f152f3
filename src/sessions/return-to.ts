export const DEFAULT_RETURN_TO = '/';
/** The account page (GET /account): a signed-in browser's methods. */
export const ACCOUNT_PAGE = '/account';
/** The signed-in person's pending backchannel requests (CIBA): GET /account/approvals. */
export const APPROVALS_PAGE = '/account/approvals';
/** Longer values are not a real authorization request; they fall back to the default. */
export const RETURN_TO_MAX_LENGTH = 4096;
/** A path-absolute reference to our own /authorize with a query of printable ASCII only. */
const AUTHORIZE_REQUEST = /^\/authorize\?[\x21-\x7E]*$/;
/** A page's language as pages hand it on (`ui_locales`): one supported language's tag. */
const LANGUAGE = 'ui_locales=[a-z]{2}';
/**
 * The device verification page (RFC 8628 §3.3), with its prefilled user code if any, and the
 * language it was asked in if any.
 */
const DEVICE_PAGE = new RegExp(
  `^/device(\\?(user_code=[A-Za-z0-9%-]{0,32}(&${LANGUAGE})?|${LANGUAGE}))?$`,
);
/**
 * The account or approvals page in the language it was asked in (the CIBA mail's link has it; a
 * page in a language sends a browser without a session to sign in and back in it).
 */
const ACCOUNT_IN_A_LANGUAGE = new RegExp(`^(${ACCOUNT_PAGE}|${APPROVALS_PAGE})\\?${LANGUAGE}$`);

/**
 * Where the login form may send the browser afterwards: back to an authorization request on this
 * server, to the device verification page, or to the account or approvals page, else `/`.
 * Anything else (absolute URLs, `//host`, `/\host`, which browsers treat as `//host`, other
 * paths) is replaced, never followed: an open redirect would lend our origin to phishing and could
 * leak codes to other sites.
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
    !(
      AUTHORIZE_REQUEST.test(candidate) ||
      DEVICE_PAGE.test(candidate) ||
      ACCOUNT_IN_A_LANGUAGE.test(candidate)
    )
  ) {
    return DEFAULT_RETURN_TO;
  }
  return candidate;
}
