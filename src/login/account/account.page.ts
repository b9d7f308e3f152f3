import { type Account, type SignInMethod, originalMethodKey } from '../../accounts/account';
import { escapeHtml, renderPage } from '../../platform/http/html';
import { visible } from '../../platform/text/visible';
import { type OfferedProvider, USERNAME_MAX_LENGTH } from '../login.page';
import type { PageWallet } from '../../proofs/proof-descriptor';
import { WEBAUTHN_BROWSER_SCRIPT } from '../passkey/webauthn-browser.controller';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '../../accounts/users/user-account.service';
import { whyNotRemovable } from '../../accounts/removable-method';
import { EMAIL_MAX_LENGTH } from '../../email/email-address';
import type { AccountActivity, SignedOutEverywhere } from './account-activity.service';
import { SIGNED_OUT_EVERYWHERE } from './account-sessions.dto';
import { APPROVALS_PAGE } from '../../sessions/return-to';

/** Served from src/public: "Add a passkey", on @simplewebauthn/browser. */
export const ACCOUNT_SCRIPT = '/static/account.js';
/** Served from src/public: "Link your identity wallet", as the login page's button. */
export const IDENTITY_WALLET_SCRIPT = '/static/identity-wallet-login.js';
/** Served from src/public: "Link a … wallet", a button per chain, with the chains' own scripts. */
export const ACCOUNT_WALLET_SCRIPT = '/static/account-wallet.js';

export interface AccountPageView {
  readonly account: Account;
  /** Where it is signed in: live login sessions and grants. */
  readonly activity: AccountActivity;
  readonly csrfToken: string;
  /** The session's login is recent enough to change the account. */
  readonly recentLogin: boolean;
  /**
   * The account has a passkey and this session was not signed in with one (RFC 9470 step-up): the
   * `acr` a change needs (`phrh` at that level, for an account with a hardware-bound passkey).
   */
  readonly passkeyNeeded?: 'phr' | 'phrh' | false;
  /** The session is an email sign-in alone and the account has a stronger key (email-alone.ts). */
  readonly strongerNeeded?: boolean;
  /** The session was proven on another device (a wallet answering a QR code, cross-device.ts). */
  readonly thisDeviceNeeded?: boolean;
  /** Email sign-in is on: the page offers to add an address. */
  readonly emailLogin?: boolean;
  /** Identity wallets are on (a trusted issuer): the page offers to link one's credential. */
  readonly identityWallet?: boolean;
  /** A code was just sent to add an address: the page asks for it. */
  readonly emailCodeSent?: boolean;
  readonly error?: string;
  /** The username of a refused "Set a password", shown again (the password never is). */
  readonly username?: string;
}

const TYPE_NAMES = {
  password: 'Password',
  wallet: 'Wallet',
  passkey: 'Passkey',
  email: 'Email',
  upstream: 'Provider',
  credential: 'Identity credential',
} as const;

/**
 * GET /account: the signed-in account's sign-in methods, with Remove (never the last), Add a
 * passkey, Link a wallet, Set a password (an account without one: a wallet account) and Sign out. Plain HTML,
 * no inline script or style; every value escaped.
 */
export function renderAccountPage(
  view: AccountPageView,
  wallets: readonly PageWallet[],
  providers: readonly OfferedProvider[] = [],
): string {
  const { account, csrfToken } = view;
  const csrf = `<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">`;
  const removable = account.methods.length > 1;
  const rows = account.methods
    .map((method) => {
      const remove =
        removable && whyNotRemovable(account.sub, method.key) === undefined
          ? `<form method="post" action="/account/methods/remove">${csrf}<input type="hidden" name="method" value="${escapeHtml(method.key)}"><button type="submit" class="secondary">Remove</button></form>`
          : '';
      const email = method.upstream?.email;
      const verified =
        email === undefined
          ? `${issuedBy(method)}${passkeyKind(method)}`
          : ` <span class="muted">${escapeHtml(email)}</span>`;
      return `<tr data-method-type="${method.type}"><td>${TYPE_NAMES[method.type]}</td><td><code>${escapeHtml(visible(method.key))}</code>${verified}</td><td>${added(account.sub, method)}</td><td>${remove}</td></tr>`;
    })
    .join('\n');
  const error = view.error
    ? `<p id="account-error" role="alert">${escapeHtml(view.error)}</p>`
    : '';
  return renderPage({
    title: 'Your account',
    scripts: [
      WEBAUTHN_BROWSER_SCRIPT,
      ACCOUNT_SCRIPT,
      ...wallets.map(({ wallet }) => wallet.script),
      ACCOUNT_WALLET_SCRIPT,
      ...(view.identityWallet ? [IDENTITY_WALLET_SCRIPT] : []),
    ],
    body: `<h1>Your account</h1>${error}
<div class="card">
<p>Signed in as <strong id="account-sub">${escapeHtml(account.sub)}</strong>.</p>
<table id="account-methods">
<thead><tr><th>Method</th><th>Key</th><th>Added</th><th></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${view.recentLogin ? addMethods(view, csrf, wallets, providers) : view.thisDeviceNeeded ? `<p class="muted" id="this-device-needed">You signed in with a wallet on another device: to add or remove a sign-in method of this account, <a href="/login?return_to=%2Faccount">sign in again on this device</a> (a sign-in proven on another device cannot change it).</p>` : view.strongerNeeded ? `<p class="muted" id="stronger-needed">You signed in with an email code: to add or remove a sign-in method of this account, <a href="/login?return_to=%2Faccount">sign in with its passkey, wallet or password</a> (an email code alone cannot change it).</p>` : view.passkeyNeeded ? `<p class="muted" id="passkey-needed">This account has a passkey: to add or remove a sign-in method, <a href="/login?return_to=%2Faccount&amp;acr_values=${view.passkeyNeeded}">sign in with your passkey</a> (a password or wallet sign-in cannot change it).</p>` : `<p class="muted">To add a sign-in method, <a href="/login?return_to=%2Faccount">sign in again</a> (a change of the account needs a recent login).</p>`}
<form method="post" action="/logout">${csrf}<button type="submit" class="secondary" id="sign-out">Sign out</button></form>
</div>
${activitySection(view.activity, csrf)}`,
  });
}

/**
 * A passkey's kind: hardware-bound (its attestation trusted, not backup eligible: `phrh`) or not,
 * and its authenticator's name where the FIDO metadata gives one.
 */
function passkeyKind({ passkey }: SignInMethod): string {
  if (passkey === undefined) return '';
  const name =
    passkey.authenticatorName === undefined ? '' : `${escapeHtml(passkey.authenticatorName)}, `;
  const kind = passkey.hardwareBound === true ? 'hardware-bound' : 'not hardware-bound';
  return ` <span class="muted passkey-kind" data-hardware-bound="${passkey.hardwareBound === true}">${name}${kind}</span>`;
}

/**
 * An identity credential's issuer and type (`iss`, `vct`), never its claims: which credential it
 * is, for its owner to tell it from another.
 */
function issuedBy({ issuedBy }: SignInMethod): string {
  if (issuedBy === undefined) return '';
  return ` <span class="muted credential-issuer">issued by <code>${escapeHtml(issuedBy.issuer)}</code> as <code>${escapeHtml(issuedBy.vct)}</code></span>`;
}

/**
 * A time as people read it, in UTC (the server knows no reader's zone): `2026-01-31 14:05 UTC`,
 * the exact instant in the `<time>` element's `datetime`.
 */
const when = (date: Date) =>
  `<time datetime="${escapeHtml(date.toISOString())}">${escapeHtml(
    `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  )}</time>`;

/**
 * When a method was added. The account's original method (the one its subject came from) was
 * there before the account had a record: the date stored with it is that of the first link,
 * when it was listed, not when it was added, so it is not shown as one.
 */
function added(sub: string, method: SignInMethod): string {
  if (method.key === originalMethodKey(sub)) return '<span class="muted">with the account</span>';
  return method.addedAt ? when(method.addedAt) : '';
}

const methodCell = (key: string | undefined) =>
  key === undefined ? '<span class="muted">not recorded</span>' : `<code>${escapeHtml(key)}</code>`;

/**
 * Where the account is signed in (login sessions: browsers; grants: apps with its tokens), with
 * the method each began with, and "Sign out everywhere", which ends them all, this one included.
 */
function activitySection(activity: AccountActivity, csrf: string): string {
  const sessions = activity.sessions
    .map(
      (session) =>
        `<tr><td>${escapeHtml(session.authMethod)}</td><td>${methodCell(session.methodKey)}</td><td>${when(session.authTime)}</td><td>${when(session.expiresAt)}</td></tr>`,
    )
    .join('\n');
  const grants = activity.grants
    .map(
      (grant) =>
        `<tr><td>${escapeHtml(grant.clientId)}</td><td>${escapeHtml(grant.scope)}</td><td>${escapeHtml(grant.authMethod)}</td><td>${methodCell(grant.methodKey)}</td><td>${when(grant.createdAt)}</td></tr>`,
    )
    .join('\n');
  return `<div class="card" id="account-activity">
<h2>Where you are signed in</h2>
<table id="account-sessions">
<caption>Login sessions (browsers)</caption>
<thead><tr><th>Signed in with</th><th>Method</th><th>Since</th><th>Until</th></tr></thead>
<tbody>
${sessions}
</tbody>
</table>
<table id="account-grants">
<caption>Apps holding tokens of this account</caption>
<thead><tr><th>App</th><th>Scope</th><th>Signed in with</th><th>Method</th><th>Since</th></tr></thead>
<tbody>
${grants}
</tbody>
</table>
<p><a href="${APPROVALS_PAGE}" id="account-approvals">Requests waiting for your approval</a> <span class="muted">(apps that asked from elsewhere)</span></p>
${approvalAnswers(activity)}
<form method="post" action="/account/sign-out-everywhere" id="sign-out-everywhere">${csrf}
<p class="muted">Ends every session above and revokes every app’s tokens, this browser’s session included.</p>
<button type="submit" class="secondary">Sign out everywhere</button>
</form>
</div>`;
}

/**
 * The account's answers to backchannel requests (issue #51's audit record): when, which app,
 * what it asked (binding message, details, the request's hash), the answer and the proof.
 */
function approvalAnswers(activity: AccountActivity): string {
  if (activity.approvals.length === 0) return '';
  const rows = activity.approvals
    .map((record) => {
      const what = [
        ...(record.bindingMessage === undefined ? [] : [escapeHtml(record.bindingMessage)]),
        ...(record.authorizationDetails ?? []).map((detail) => escapeHtml(JSON.stringify(detail))),
      ].join('<br>');
      const how =
        record.method === undefined
          ? ''
          : `${escapeHtml(record.method)}${record.methodKey === undefined ? '' : ` <code>${escapeHtml(record.methodKey)}</code>`}`;
      return `<tr><td>${when(record.at)}</td><td>${escapeHtml(record.clientId)}</td><td>${what}<br><code class="muted">${escapeHtml(record.requestHash)}</code></td><td>${record.decision}</td><td>${how}</td></tr>`;
    })
    .join('\n');
  return `<table id="account-approval-answers">
<caption>Your answers to requests from elsewhere (kept a year)</caption>
<thead><tr><th>When</th><th>App</th><th>What (and its hash)</th><th>Answer</th><th>Proof</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/** The answer to "Sign out everywhere": what ended, and a way back in. */
export function renderSignedOutEverywhere(ended: SignedOutEverywhere): string {
  return renderPage({
    title: 'Signed out everywhere',
    narrow: true,
    body: `<h1>Signed out everywhere</h1>
<div class="card">
<p id="signed-out-everywhere" role="status">${escapeHtml(SIGNED_OUT_EVERYWHERE)}</p>
<p>Login sessions ended: <strong id="sessions-ended">${ended.sessionsEnded}</strong>. Grants revoked: <strong id="grants-revoked">${ended.grantsRevoked}</strong>.</p>
<p><a href="/login?return_to=%2Faccount">Sign in again</a></p>
</div>`,
  });
}

/**
 * "Add an email address": the address (a code is mailed to it), then the code; both plain forms.
 * The code form shows once a code was sent.
 */
function addEmail(view: AccountPageView, csrf: string): string {
  const code = view.emailCodeSent
    ? `
<form method="post" action="/account/email" id="confirm-email">${csrf}
<p id="email-code-sent" role="status">A code is on its way to the address: enter it to add the address.</p>
<p>
<label for="email-code">Code</label>
<input id="email-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{8}" maxlength="8" required>
</p>
<p><button type="submit" class="secondary">Add the address</button></p>
</form>`
    : '';
  return `<form method="post" action="/account/email/code" id="add-email">${csrf}
<h2>Add an email address</h2>
<p class="muted">Then sign in with a code sent to it too (a recovery: alone, it cannot change this account's other methods).</p>
<p>
<label for="new-email">Email</label>
<input id="new-email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required maxlength="${EMAIL_MAX_LENGTH}">
</p>
<p><button type="submit" class="secondary">Email me a code</button></p>
</form>${code}`;
}

/** What a recent login may add: a passkey, a wallet, and a password when the account has none. */
function addMethods(
  view: AccountPageView,
  csrf: string,
  wallets: readonly PageWallet[],
  providers: readonly OfferedProvider[],
): string {
  const token = escapeHtml(view.csrfToken);
  // Enabled by the chain's script once the browser has such a wallet.
  const link = wallets
    .map(
      ({ id, wallet }) =>
        `<button type="button" id="link-${escapeHtml(id)}" class="secondary" data-csrf-token="${token}" disabled>Link ${escapeHtml(wallet.chain)} wallet</button>`,
    )
    .join('\n');
  const passkeyAndWallet = `<p><button type="button" id="add-passkey" data-csrf-token="${token}" hidden>Add a passkey</button></p>
<p id="passkey-status" class="muted" aria-live="polite" hidden></p>
<p id="passkey-error" role="alert" hidden></p>
<p>${link}</p>
<p id="wallet-status" class="muted" aria-live="polite" hidden></p>
<p id="wallet-error" role="alert" hidden></p>${
    view.identityWallet
      ? `
<p><button type="button" id="link-oid4vp" class="secondary" data-csrf-token="${token}" hidden>Link your identity wallet</button></p>
<p id="link-oid4vp-status" class="muted" aria-live="polite" hidden></p>
<p id="link-oid4vp-error" role="alert" hidden></p>`
      : ''
  }${providers
    .map(
      ({ id, name }) => `
<form method="post" action="/account/upstream/${escapeHtml(encodeURIComponent(id))}">${csrf}<button type="submit" class="secondary" id="link-upstream-${escapeHtml(id)}">Link ${escapeHtml(name)}</button></form>`,
    )
    .join('')}`;
  const withEmail = view.emailLogin
    ? `${passkeyAndWallet}\n${addEmail(view, csrf)}`
    : passkeyAndWallet;
  if (view.account.methods.some((method) => method.type === 'password')) return withEmail;
  return `${withEmail}
<form method="post" action="/account/password" id="set-password">${csrf}
<h2>Set a password</h2>
<p class="muted">Then sign in with this username and password too; the account stays the same.</p>
<p>
<label for="new-username">Username</label>
<input id="new-username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="${USERNAME_MAX_LENGTH}" value="${escapeHtml(view.username ?? '')}">
</p>
<p>
<label for="new-password">Password (at least ${PASSWORD_MIN_LENGTH} characters)</label>
<input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}">
</p>
<p><button type="submit" class="secondary">Set a password</button></p>
</form>`;
}
