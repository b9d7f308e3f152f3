import { escapeHtml, renderPage, renderRefusalPage } from '../../platform/http/html';
import {
  TrustedHtml,
  type MessageId,
  type PageLocale,
  waitValues,
} from '../../platform/i18n/page-locale';
import { CSRF_FAILURE_MESSAGES } from '../login-csrf';
import { csrfVerdictOf } from '../../platform/csrf/csrf-protection';
import { EMAIL_CODE_TTL_SECONDS } from '../../email/email.proof';

/** The page after asking for a code: enter the code, or open the mail's link here. */
export interface EmailCodePageView {
  readonly csrfToken: string;
  readonly returnTo: string;
  readonly error?: MessageId;
  /** Outside production with the embedded catcher: where the mail shows. */
  readonly mailbox: boolean;
  /** The login page's language, posted on with the code. */
  readonly locale: PageLocale;
}

/**
 * "Check your inbox": the code form (`form#email-verify`, posting to /login/email/verify) and,
 * on a development instance, the way to the mailbox. Plain HTML, no script, as the login page.
 */
export function renderEmailCodePage(view: EmailCodePageView): string {
  const { locale } = view;
  const t = (id: MessageId) => escapeHtml(locale.t(id));
  const error = view.error ? `\n<p id="email-error" role="alert">${t(view.error)}</p>` : '';
  const link = `<a href="/dev/mailbox" target="_blank">${t('email.code.dev_mailbox.link')}</a>`;
  const mailbox = view.mailbox
    ? `\n<p id="dev-mailbox" class="muted">${locale.html('email.code.dev_mailbox', { mailbox: new TrustedHtml(link) })}</p>`
    : '';
  const back = `/login?return_to=${encodeURIComponent(view.returnTo)}&ui_locales=${encodeURIComponent(locale.locale)}`;
  return renderPage({
    title: locale.t('email.code.title'),
    narrow: true,
    locale,
    body: `<h1>${t('email.code.title')}</h1>${error}
<div class="card">
<p>${escapeHtml(locale.t('email.code.sent', { minutes: EMAIL_CODE_TTL_SECONDS / 60 }))}</p>${mailbox}
<form method="post" action="/login/email/verify" id="email-verify">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(view.returnTo)}">
<input type="hidden" name="ui_locales" value="${escapeHtml(locale.locale)}">
<p>
<label for="code">${t('email.code.label')}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{8}" maxlength="8" required${view.error ? ' aria-describedby="email-error"' : ''}>
</p>
<p><button type="submit">${t('email.continue')}</button></p>
</form>
<p><a href="${escapeHtml(back)}">${t('email.code.other_way')}</a></p>
</div>`,
  });
}

/** The page a mail's link opens: one button that confirms, posted from this browser. */
export interface EmailLinkPageView {
  readonly csrfToken: string;
  readonly token: string;
  readonly error?: string;
  readonly locale: PageLocale;
}

/**
 * GET /login/email/link: a confirmation, not the sign-in itself. Mail scanners and link previews
 * open links; only a form posted with this browser's CSRF token signs in, so a scanner spends
 * nothing and signs nobody in.
 */
export function renderEmailLinkPage(view: EmailLinkPageView): string {
  const { locale } = view;
  const t = (id: MessageId) => escapeHtml(locale.t(id));
  const error = view.error
    ? `\n<p id="email-error" role="alert">${escapeHtml(view.error)}</p>`
    : '';
  return renderPage({
    title: locale.t('email.link.title'),
    narrow: true,
    locale,
    body: `<h1>${t('email.link.title')}</h1>${error}
<div class="card">
<p>${t('email.link.intro')}</p>
<form method="post" action="/login/email/link" id="email-link">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="token" value="${escapeHtml(view.token)}">
<input type="hidden" name="ui_locales" value="${escapeHtml(locale.locale)}">
<p><button type="submit">${t('email.continue')}</button></p>
</form>
<p><a href="${escapeHtml(loginPageIn(locale))}">${t('email.back_to_login')}</a></p>
</div>`,
  });
}

/** The login page in `locale`: the way back from the link's pages. */
function loginPageIn(locale: PageLocale): string {
  return `/login?ui_locales=${encodeURIComponent(locale.locale)}`;
}

/**
 * A refusal of an email sign-in read by a person (a form post or the link page): the page in the
 * person's language, saying why in that language too when the person can act on it: a link no
 * longer good (`invalid_code`: only the link's form reaches this page with it, the code's form
 * shows itself again), the form's security token, too many requests (with how long to wait).
 * Any other refusal (an address not well formed, say) is shown as the server states it, in
 * English.
 */
export function renderEmailErrorPage(error: EmailRefusal, locale: PageLocale): string {
  return renderRefusalPage({
    title: locale.t('email.link.title'),
    alertId: 'email-error',
    description: emailRefusalText(error, locale),
    back: { href: loginPageIn(locale), text: locale.t('email.back_to_login') },
    locale,
  });
}

/** What the error page reads of a refusal. */
export interface EmailRefusal {
  readonly error: string;
  readonly description: string;
  readonly reason?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

function emailRefusalText(error: EmailRefusal, locale: PageLocale): string {
  if (error.error === 'invalid_code') return locale.t('email.error.invalid_link');
  const retryAfter = Number(error.headers?.['Retry-After']);
  if (error.error === 'too_many_requests' && retryAfter > 0) {
    return locale.t('email.error.too_many', waitValues(retryAfter));
  }
  const csrf = csrfVerdictOf(error.reason);
  return csrf === undefined ? error.description : locale.t(CSRF_FAILURE_MESSAGES[csrf]);
}
