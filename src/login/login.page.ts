import { escapeHtml, renderPage } from '../platform/http/html';
import type { PendingAuthorizationView } from './pending-authorization';
import { WEBAUTHN_BROWSER_SCRIPT } from './passkey/webauthn-browser.controller';

export interface LoginPageView {
  readonly csrfToken: string;
  /** Already checked by `safeReturnTo`. */
  readonly returnTo: string;
  /** Echoed back after a failed attempt; the password never is. */
  readonly username?: string;
  readonly error?: string;
  /** The `sub` of the browser's live session, if any: shown with a Sign out control. */
  readonly signedInAs?: string;
  /** The application whose authorization request the login continues, if any. */
  readonly pending?: PendingAuthorizationView;
}

/** Longest username the form accepts. */
export const USERNAME_MAX_LENGTH = 256;
/** Longest password the form accepts: bounds the work one request can ask of scrypt. */
export const PASSWORD_MAX_LENGTH = 1024;

/** Served from src/public: the SIWE signing steps the login and account pages share. */
export const SIWE_SIGN_SCRIPT = '/static/siwe-sign.js';
/** Served from src/public: reads the form's csrf_token and return_to, talks to window.ethereum. */
export const SIWE_LOGIN_SCRIPT = '/static/siwe-login.js';
/** Served from src/public: the same for Solana wallets, found by Wallet Standard discovery. */
export const SIWS_LOGIN_SCRIPT = '/static/siws-login.js';
/** Served from src/public: the passkey button, on @simplewebauthn/browser. */
export const PASSKEY_LOGIN_SCRIPT = '/static/passkey-login.js';

/**
 * The login page: the password form and, below a divider, "Sign in with Ethereum", "Sign in with
 * Solana" and "Sign in with a passkey". Plain HTML with no inline script or style, as the strict Content-Security-Policy
 * demands; every interpolated value goes through `escapeHtml`. Each wallet button starts disabled
 * and is enabled by its script only when the browser has such a wallet.
 */
export function renderLoginPage(view: LoginPageView): string {
  const error = view.error
    ? `\n<p id="login-error" role="alert">${escapeHtml(view.error)}</p>`
    : '';
  const described = view.error ? ' aria-describedby="login-error"' : '';
  const signedIn = view.signedInAs
    ? `
<div class="card" id="signed-in">
<p>Signed in as <strong>${escapeHtml(view.signedInAs)}</strong>.</p>
<form method="post" action="/logout">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<button type="submit" class="secondary">Sign out</button>
</form>
</div>`
    : '';
  const pending = view.pending
    ? `
<div class="card" id="pending-authorization">
<p><strong id="pending-client">${escapeHtml(view.pending.clientName)}</strong> <span class="muted">(${escapeHtml(view.pending.clientId)})</span> asks you to sign in${
        view.pending.scopes.length > 0
          ? `, for: <span id="pending-scopes">${view.pending.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}</span>`
          : ''
      }.</p>
</div>`
    : '';
  return renderPage({
    title: 'Sign in',
    narrow: true,
    session: view.signedInAs
      ? { subject: view.signedInAs, csrfToken: view.csrfToken, returnTo: '/login' }
      : null,
    scripts: [
      SIWE_SIGN_SCRIPT,
      SIWE_LOGIN_SCRIPT,
      SIWS_LOGIN_SCRIPT,
      WEBAUTHN_BROWSER_SCRIPT,
      PASSKEY_LOGIN_SCRIPT,
    ],
    body: `<h1>Sign in</h1>${error}${pending}${signedIn}
<div class="card">
<form method="post" action="/login" id="login-form">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(view.returnTo)}">
<p>
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username webauthn" autocapitalize="none" spellcheck="false" required maxlength="${USERNAME_MAX_LENGTH}" value="${escapeHtml(view.username ?? '')}"${described}>
</p>
<p>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="${PASSWORD_MAX_LENGTH}"${described}>
</p>
<p><button type="submit">Sign in</button></p>
</form>
<p class="divider">or</p>
<p><button type="button" id="siwe-login" class="secondary" disabled>Sign in with Ethereum</button></p>
<p id="siwe-status" class="muted" aria-live="polite" hidden></p>
<p id="siwe-error" role="alert" hidden></p>
<p><button type="button" id="siws-login" class="secondary" disabled>Sign in with Solana</button></p>
<p id="siws-status" class="muted" aria-live="polite" hidden></p>
<p id="siws-error" role="alert" hidden></p>
<p><button type="button" id="passkey-login" class="secondary" hidden>Sign in with a passkey</button></p>
<p id="passkey-status" class="muted" aria-live="polite" hidden></p>
<p id="passkey-error" role="alert" hidden></p>
</div>`,
  });
}
