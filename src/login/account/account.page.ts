import {
  type Account,
  type SignInMethod,
  credentialIdOf,
  methodTypeOf,
  originalMethodKey,
  upstreamAccountOf,
} from '../../accounts/account';
import { escapeHtml, renderPage } from '../../platform/http/html';
import { type PageLocale, type PageText, TrustedHtml } from '../../platform/i18n/page-locale';
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
import { ACCOUNT_PAGE, APPROVALS_PAGE } from '../../sessions/return-to';
import { signInFirst } from '../../sessions/sign-in-first';

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
  /** The person's language: the page's `ui_locales`, else Accept-Language. */
  readonly locale: PageLocale;
  /** Email sign-in is on: the page offers to add an address. */
  readonly emailLogin?: boolean;
  /** Identity wallets are on (a trusted issuer): the page offers to link one's credential. */
  readonly identityWallet?: boolean;
  /** A code was just sent to add an address: the page asks for it. */
  readonly emailCodeSent?: boolean;
  readonly error?: PageText;
  /** The username of a refused "Set a password", shown again (the password never is). */
  readonly username?: string;
  /**
   * What the page tells the browser's authenticators of this account's passkeys (WebAuthn Signal
   * API): the RP ID and the account's user handle they are stored under.
   */
  readonly passkeySignal: { readonly rpId: string; readonly userId: string };
}

/**
 * The hidden fields of the page's own forms: the CSRF token, and the page's language, posted on
 * so that the page shown after a refusal stays in it.
 */
function formFields(csrfToken: string, locale: PageLocale): string {
  return `<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}"><input type="hidden" name="ui_locales" value="${escapeHtml(locale.locale)}">`;
}

/** `text` as a link: a value of a message that holds the link in its sentence. */
function link(href: string, text: string): TrustedHtml {
  return new TrustedHtml(`<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`);
}

/**
 * Where a change needs another sign-in first (RFC 9470 step-up), the login page asking for it,
 * and back to this page after, both in the page's language.
 */
const signInAgain = (locale: PageLocale) => signInFirst(ACCOUNT_PAGE, locale);

/** Why this session may not change the account, and how to sign in so that it may. */
function changeNeeds(view: AccountPageView): string {
  const { locale } = view;
  const again = signInAgain(locale);
  const [id, linkId, href, elementId] = view.thisDeviceNeeded
    ? ([
        'account.change.this_device',
        'account.change.this_device.link',
        again,
        'this-device-needed',
      ] as const)
    : view.strongerNeeded
      ? ([
          'account.change.stronger',
          'account.change.stronger.link',
          again,
          'stronger-needed',
        ] as const)
      : view.passkeyNeeded
        ? ([
            'account.change.passkey',
            'account.change.passkey.link',
            `${again}&acr_values=${view.passkeyNeeded}`,
            'passkey-needed',
          ] as const)
        : (['account.change.recent', 'account.change.recent.link', again, undefined] as const);
  const attribute = elementId === undefined ? '' : ` id="${elementId}"`;
  return `<p class="muted"${attribute}>${locale.html(id, { link: link(href, locale.t(linkId)) })}</p>`;
}

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
  const { account, csrfToken, locale } = view;
  const csrf = formFields(csrfToken, locale);
  const logoutCsrf = `<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}">`;
  const removable = account.methods.length > 1;
  const rows = account.methods
    .map((method) => {
      const remove =
        removable && whyNotRemovable(account.sub, method.key) === undefined
          ? `<form method="post" action="/account/methods/remove">${csrf}<input type="hidden" name="method" value="${escapeHtml(method.key)}"><button type="submit" class="secondary">${escapeHtml(locale.t('account.method.remove'))}</button></form>`
          : '';
      const email = method.upstream?.email;
      const verified =
        email === undefined
          ? `${issuedBy(method, locale)}${passkeyKind(method, locale)}`
          : ` <span class="muted">${escapeHtml(email)}</span>`;
      const type = escapeHtml(locale.t('account.method.type', { type: method.type }));
      return `<tr data-method-type="${method.type}"><td>${type}</td><td><code>${escapeHtml(visible(method.key))}</code>${verified}</td><td>${added(account.sub, method, locale)}</td><td>${remove}</td></tr>`;
    })
    .join('\n');
  const error = view.error
    ? `<p id="account-error" role="alert">${escapeHtml(locale.text(view.error))}</p>`
    : '';
  // Every passkey the account holds now, for signalAllAcceptedCredentials: an authenticator
  // hides those of this user handle that are not listed (removed here, by an operator, or never
  // finished), on every load of the page, whatever removed them.
  const accepted = account.methods
    .filter((method) => method.type === 'passkey')
    .map((method) => credentialIdOf(method.key))
    .join(' ');
  const signal = `<div id="passkey-signal" hidden data-rp-id="${escapeHtml(view.passkeySignal.rpId)}" data-user-id="${escapeHtml(view.passkeySignal.userId)}" data-credential-ids="${escapeHtml(accepted)}"></div>`;
  const title = locale.t('account.title');
  const subject = new TrustedHtml(`<strong id="account-sub">${escapeHtml(account.sub)}</strong>`);
  const th = (id: Parameters<PageLocale['t']>[0]) => `<th>${escapeHtml(locale.t(id))}</th>`;
  return renderPage({
    title,
    locale,
    scripts: [
      WEBAUTHN_BROWSER_SCRIPT,
      ACCOUNT_SCRIPT,
      ...wallets.map(({ wallet }) => wallet.script),
      ACCOUNT_WALLET_SCRIPT,
      ...(view.identityWallet ? [IDENTITY_WALLET_SCRIPT] : []),
    ],
    body: `<h1>${escapeHtml(title)}</h1>${error}${signal}
<div class="card">
<p>${locale.html('account.signed_in_as', { subject })}</p>
<table id="account-methods">
<thead><tr>${th('account.methods.method')}${th('account.methods.key')}${th('account.methods.added')}<th><span class="visually-hidden">${escapeHtml(locale.t('account.methods.actions'))}</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${view.recentLogin ? addMethods(view, csrf, wallets, providers) : changeNeeds(view)}
<form method="post" action="/logout">${logoutCsrf}<button type="submit" class="secondary" id="sign-out">${escapeHtml(locale.t('account.sign_out'))}</button></form>
</div>
${activitySection(view.activity, csrf, wallets, providers, locale)}`,
  });
}

/**
 * A passkey's kind: hardware-bound (its attestation trusted, not backup eligible: `phrh`) or not,
 * and its authenticator's name where the FIDO metadata gives one.
 */
function passkeyKind({ passkey }: SignInMethod, locale: PageLocale): string {
  if (passkey === undefined) return '';
  const name =
    passkey.authenticatorName === undefined ? '' : `${escapeHtml(passkey.authenticatorName)}, `;
  const bound = passkey.hardwareBound === true ? 'yes' : 'no';
  const kind = escapeHtml(locale.t('account.method.hardware_bound', { bound }));
  return ` <span class="muted passkey-kind" data-hardware-bound="${passkey.hardwareBound === true}">${name}${kind}</span>`;
}

/**
 * An identity credential's issuer and type (`iss`, `vct`), never its claims: which credential it
 * is, for its owner to tell it from another.
 */
function issuedBy({ issuedBy }: SignInMethod, locale: PageLocale): string {
  if (issuedBy === undefined) return '';
  const code = (value: string) => new TrustedHtml(`<code>${escapeHtml(value)}</code>`);
  const text = locale.html('account.method.issued_by', {
    issuer: code(issuedBy.issuer),
    type: code(issuedBy.vct),
  });
  return ` <span class="muted credential-issuer">${text}</span>`;
}

/** How the page writes a time: the locale's date and time, in UTC, saying so. */
export const ACCOUNT_TIME_FORMAT: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
};

/**
 * A time as people read it in their language, in UTC (the server knows no reader's zone):
 * `31 Jan 2026, 14:05 UTC` as the locale writes it, the exact instant in `<time datetime>`.
 */
const when = (date: Date, locale: PageLocale) =>
  `<time datetime="${escapeHtml(date.toISOString())}">${escapeHtml(
    locale.formatDate(date, ACCOUNT_TIME_FORMAT),
  )}</time>`;

/**
 * When a method was added. The account's original method (the one its subject came from) was
 * there before the account had a record: the date stored with it is that of the first link,
 * when it was listed, not when it was added, so it is not shown as one.
 */
function added(sub: string, method: SignInMethod, locale: PageLocale): string {
  if (method.key === originalMethodKey(sub)) {
    return `<span class="muted">${escapeHtml(locale.t('account.method.with_account'))}</span>`;
  }
  return method.addedAt ? when(method.addedAt, locale) : '';
}

/** An app by its name, as its consent screen showed it, with its client_id beside it. */
const appCell = ({ clientId, clientName }: AccountActivity['grants'][number]) =>
  clientName === undefined || clientName === clientId
    ? escapeHtml(clientId)
    : `${escapeHtml(clientName)} <span class="muted">${escapeHtml(clientId)}</span>`;

const methodCell = (key: string | undefined, locale: PageLocale) =>
  key === undefined
    ? `<span class="muted">${escapeHtml(locale.t('account.method.not_recorded'))}</span>`
    : `<code>${escapeHtml(key)}</code>`;

/**
 * Where the account is signed in (login sessions: browsers; grants: apps with its tokens), with
 * the method each began with, and "Sign out everywhere", which ends them all, this one included.
 */
function activitySection(
  activity: AccountActivity,
  csrf: string,
  wallets: readonly PageWallet[],
  providers: readonly OfferedProvider[],
  locale: PageLocale,
): string {
  const t = (id: Parameters<PageLocale['t']>[0]) => escapeHtml(locale.t(id));
  const authMethodCell = (method: string, key: string | undefined) => {
    // A wallet is named by its chain, as the chain names itself, and an upstream provider by the
    // name its button shows; one not on the page (turned off since) by the method's word.
    const chain = wallets.find((wallet) => wallet.id === method)?.wallet.chain;
    const provider =
      key !== undefined && methodTypeOf(key) === 'upstream'
        ? providers.find(({ id }) => id === upstreamAccountOf(key).providerId)?.name
        : undefined;
    const word =
      provider ??
      locale.t('account.activity.auth_method', {
        method: chain === undefined ? method : 'wallet',
        chain: chain ?? '',
      });
    return `<td data-auth-method="${escapeHtml(method)}">${escapeHtml(word)}</td>`;
  };
  const sessions = activity.sessions
    .map(
      (session) =>
        `<tr>${authMethodCell(session.authMethod, session.methodKey)}<td>${methodCell(session.methodKey, locale)}</td><td>${when(session.authTime, locale)}</td><td>${when(session.expiresAt, locale)}</td></tr>`,
    )
    .join('\n');
  const grants = activity.grants
    .map(
      (grant) =>
        `<tr><td data-client-id="${escapeHtml(grant.clientId)}">${appCell(grant)}</td><td>${escapeHtml(grant.scope)}</td>${authMethodCell(grant.authMethod, grant.methodKey)}<td>${methodCell(grant.methodKey, locale)}</td><td>${when(grant.createdAt, locale)}</td></tr>`,
    )
    .join('\n');
  return `<div class="card" id="account-activity">
<h2>${t('account.activity.title')}</h2>
<table id="account-sessions">
<caption>${t('account.activity.sessions')}</caption>
<thead><tr><th>${t('account.activity.signed_in_with')}</th><th>${t('account.activity.method')}</th><th>${t('account.activity.since')}</th><th>${t('account.activity.until')}</th></tr></thead>
<tbody>
${sessions}
</tbody>
</table>
<table id="account-grants">
<caption>${t('account.activity.grants')}</caption>
<thead><tr><th>${t('account.activity.app')}</th><th>${t('account.activity.scope')}</th><th>${t('account.activity.signed_in_with')}</th><th>${t('account.activity.method')}</th><th>${t('account.activity.since')}</th></tr></thead>
<tbody>
${grants}
</tbody>
</table>
<p><a href="${APPROVALS_PAGE}" id="account-approvals">${t('account.activity.approvals')}</a> <span class="muted">${t('account.activity.approvals_note')}</span></p>
${approvalAnswers(activity, locale)}
<form method="post" action="/account/sign-out-everywhere" id="sign-out-everywhere">${csrf}
<p class="muted">${t('account.activity.sign_out_everywhere_note')}</p>
<button type="submit" class="secondary">${t('account.activity.sign_out_everywhere')}</button>
</form>
</div>`;
}

/**
 * The account's answers to backchannel requests (issue #51's audit record): when, which app,
 * what it asked (binding message, details, the request's hash), the answer and the proof.
 */
function approvalAnswers(activity: AccountActivity, locale: PageLocale): string {
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
          : `<span data-method="${escapeHtml(record.method)}">${escapeHtml(answerMethod(record.method, locale))}</span>${record.methodKey === undefined ? '' : ` <code>${escapeHtml(record.methodKey)}</code>`}`;
      const decision = escapeHtml(
        locale.t('account.answers.decision', { decision: record.decision }),
      );
      return `<tr><td>${when(record.at, locale)}</td><td>${escapeHtml(record.clientId)}</td><td>${what}<br><code class="muted">${escapeHtml(record.requestHash)}</code></td><td>${decision}</td><td>${how}</td></tr>`;
    })
    .join('\n');
  const t = (id: Parameters<PageLocale['t']>[0]) => escapeHtml(locale.t(id));
  return `<table id="account-approval-answers">
<caption>${t('account.answers.caption')}</caption>
<thead><tr><th>${t('account.answers.when')}</th><th>${t('account.answers.app')}</th><th>${t('account.answers.what')}</th><th>${t('account.answers.answer')}</th><th>${t('account.answers.proof')}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/**
 * How an answer was proven, in the page's words: a click in a signed-in session, a passkey, or a
 * wallet (recorded by its chain's CAIP-2 namespace; its key beside it names the chain).
 */
function answerMethod(method: string, locale: PageLocale): string {
  const word = method === 'session' || method === 'passkey' ? method : 'wallet';
  return locale.t('account.answers.method', { method: word });
}

/** The answer to "Sign out everywhere": what ended, and a way back in. */
export function renderSignedOutEverywhere(ended: SignedOutEverywhere, locale: PageLocale): string {
  const title = locale.t('account.signed_out.title');
  const count = (id: string, value: number) =>
    new TrustedHtml(`<strong id="${id}">${escapeHtml(locale.formatNumber(value))}</strong>`);
  return renderPage({
    title,
    narrow: true,
    locale,
    body: `<h1>${escapeHtml(title)}</h1>
<div class="card">
<p id="signed-out-everywhere" role="status">${escapeHtml(locale.t('account.signed_out.text'))}</p>
<p>${locale.html('account.signed_out.counts', {
      sessions: count('sessions-ended', ended.sessionsEnded),
      grants: count('grants-revoked', ended.grantsRevoked),
    })}</p>
<p><a href="${escapeHtml(signInAgain(locale))}">${escapeHtml(locale.t('account.signed_out.sign_in_again'))}</a></p>
</div>`,
  });
}

/**
 * "Add an email address": the address (a code is mailed to it), then the code; both plain forms.
 * The code form shows once a code was sent.
 */
function addEmail(view: AccountPageView, csrf: string): string {
  const t = (id: Parameters<PageLocale['t']>[0]) => escapeHtml(view.locale.t(id));
  const code = view.emailCodeSent
    ? `
<form method="post" action="/account/email" id="confirm-email">${csrf}
<p id="email-code-sent" role="status">${t('account.email.code_sent')}</p>
<p>
<label for="email-code">${t('account.email.code')}</label>
<input id="email-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{8}" maxlength="8" required>
</p>
<p><button type="submit" class="secondary">${t('account.email.confirm')}</button></p>
</form>`
    : '';
  return `<form method="post" action="/account/email/code" id="add-email">${csrf}
<h2>${t('account.email.title')}</h2>
<p class="muted">${t('account.email.intro')}</p>
<p>
<label for="new-email">${t('account.email.label')}</label>
<input id="new-email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required maxlength="${EMAIL_MAX_LENGTH}">
</p>
<p><button type="submit" class="secondary">${t('account.email.submit')}</button></p>
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
  const { locale } = view;
  const t = (id: Parameters<PageLocale['t']>[0]) => escapeHtml(locale.t(id));
  // Enabled by the chain's script once the browser has such a wallet.
  const link = wallets
    .map(
      ({ id, wallet }) =>
        `<button type="button" id="link-${escapeHtml(id)}" class="secondary" data-csrf-token="${token}" disabled>${escapeHtml(locale.t('account.link_wallet', { chain: wallet.chain }))}</button>`,
    )
    .join('\n');
  const passkeyAndWallet = `<p><button type="button" id="add-passkey" data-csrf-token="${token}" hidden>${t('account.add_passkey')}</button></p>
<p id="passkey-status" class="muted" aria-live="polite" hidden></p>
<p id="passkey-error" role="alert" hidden></p>
<p>${link}</p>
<p id="wallet-status" class="muted" aria-live="polite" hidden></p>
<p id="wallet-error" role="alert" hidden></p>${
    view.identityWallet
      ? `
<p><button type="button" id="link-oid4vp" class="secondary" data-csrf-token="${token}" hidden>${t('account.link_oid4vp')}</button></p>
<p id="link-oid4vp-status" class="muted" aria-live="polite" hidden></p>
<p id="link-oid4vp-error" role="alert" hidden></p>`
      : ''
  }${providers
    .map(
      ({ id, name }) => `
<form method="post" action="/account/upstream/${escapeHtml(encodeURIComponent(id))}">${csrf}<button type="submit" class="secondary" id="link-upstream-${escapeHtml(id)}">${escapeHtml(locale.t('account.link_provider', { name }))}</button></form>`,
    )
    .join('')}`;
  const withEmail = view.emailLogin
    ? `${passkeyAndWallet}\n${addEmail(view, csrf)}`
    : passkeyAndWallet;
  if (view.account.methods.some((method) => method.type === 'password')) return withEmail;
  return `${withEmail}
<form method="post" action="/account/password" id="set-password">${csrf}
<h2>${t('account.password.title')}</h2>
<p class="muted">${t('account.password.intro')}</p>
<p>
<label for="new-username">${t('account.password.username')}</label>
<input id="new-username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="${USERNAME_MAX_LENGTH}" value="${escapeHtml(view.username ?? '')}">
</p>
<p>
<label for="new-password">${escapeHtml(locale.t('account.password.password', { min: PASSWORD_MIN_LENGTH }))}</label>
<input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}">
</p>
<p><button type="submit" class="secondary">${t('account.password.submit')}</button></p>
</form>`;
}
