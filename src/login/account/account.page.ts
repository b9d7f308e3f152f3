import type { Account } from '../../accounts/account';
import { escapeHtml, renderPage } from '../../platform/http/html';
import { WEBAUTHN_BROWSER_SCRIPT } from '../passkey/webauthn-browser.controller';

/** Served from src/public: "Add a passkey", on @simplewebauthn/browser. */
export const ACCOUNT_SCRIPT = '/static/account.js';

export interface AccountPageView {
  readonly account: Account;
  readonly csrfToken: string;
  /** The session's login is recent enough to change the account. */
  readonly recentLogin: boolean;
  readonly error?: string;
}

const TYPE_NAMES = { password: 'Password', wallet: 'Wallet', passkey: 'Passkey' } as const;

/**
 * GET /account: the signed-in account's sign-in methods, with Remove (never the last), Add a
 * passkey and Sign out. Plain HTML, no inline script or style; every value escaped.
 */
export function renderAccountPage(view: AccountPageView): string {
  const { account, csrfToken } = view;
  const csrf = `<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">`;
  const removable = account.methods.length > 1;
  const rows = account.methods
    .map((method) => {
      const remove =
        removable && method.type !== 'password'
          ? `<form method="post" action="/account/methods/remove">${csrf}<input type="hidden" name="method" value="${escapeHtml(method.key)}"><button type="submit" class="secondary">Remove</button></form>`
          : '';
      return `<tr data-method-type="${method.type}"><td>${TYPE_NAMES[method.type]}</td><td><code>${escapeHtml(method.key)}</code></td><td>${method.addedAt ? escapeHtml(method.addedAt.toISOString()) : ''}</td><td>${remove}</td></tr>`;
    })
    .join('\n');
  const error = view.error
    ? `<p id="account-error" role="alert">${escapeHtml(view.error)}</p>`
    : '';
  const addPasskey = view.recentLogin
    ? `<p><button type="button" id="add-passkey" data-csrf-token="${escapeHtml(csrfToken)}" hidden>Add a passkey</button></p>
<p id="passkey-status" class="muted" aria-live="polite" hidden></p>
<p id="passkey-error" role="alert" hidden></p>`
    : `<p class="muted">To add a passkey, <a href="/login?return_to=%2Faccount">sign in again</a> (a change of the account needs a recent login).</p>`;
  return renderPage({
    title: 'Your account',
    scripts: [WEBAUTHN_BROWSER_SCRIPT, ACCOUNT_SCRIPT],
    body: `<h1>Your account</h1>${error}
<div class="card">
<p>Signed in as <strong id="account-sub">${escapeHtml(account.sub)}</strong>.</p>
<table id="account-methods">
<thead><tr><th>Method</th><th>Key</th><th>Added</th><th></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${addPasskey}
<p class="muted">To link a wallet, sign in with it on the <a href="/demo/wallet">dApp demo</a> and call <code>POST /account/methods/wallet</code> with an account-scoped token (see the API docs).</p>
<form method="post" action="/logout">${csrf}<button type="submit" class="secondary" id="sign-out">Sign out</button></form>
</div>`,
  });
}
