import { escapeHtml, renderPage } from '../../platform/http/html';
import type { PageLocale } from '../../platform/i18n/page-locale';

/** What the confirmation page shows and carries on to POST /end_session/confirm. */
export interface ConfirmLogoutView {
  readonly csrfToken: string;
  /** Who is signed in here. */
  readonly subject: string;
  /** The client's name, when the request named a client. */
  readonly clientName?: string;
  /** The request's ID token names another account or session than the one signed in here. */
  readonly otherSession: boolean;
  readonly clientId?: string;
  readonly postLogoutRedirectUri?: string;
  readonly state?: string;
  /** The request's valid id_token_hint, carried on so the confirmation may redirect too. */
  readonly idTokenHint?: string;
  /** The page's language, posted on as `ui_locales` so the page after it keeps it. */
  readonly locale: PageLocale;
}

function hidden(name: string, value: string | undefined): string {
  return value === undefined
    ? ''
    : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

/**
 * RP-Initiated Logout 1.0 §2: without a hint that names this browser's session, the OP asks the
 * user. A plain form: two buttons, the page's CSRF token, the request's parameters.
 */
export function renderConfirmLogoutPage(view: ConfirmLogoutView): string {
  const { locale } = view;
  const asks =
    view.clientName === undefined
      ? locale.html('logout.confirm.asks', { subject: view.subject })
      : locale.html('logout.confirm.client_asks', {
          client: view.clientName,
          subject: view.subject,
        });
  const other = view.otherSession
    ? `<p id="other-session">${escapeHtml(locale.t('logout.confirm.other_session'))}</p>`
    : '';
  return renderPage({
    title: locale.t('logout.confirm.title'),
    narrow: true,
    locale,
    body: `<h1>${escapeHtml(locale.t('logout.confirm.title'))}</h1>
<p>${asks}</p>
${other}
<form method="post" action="/end_session/confirm" id="end-session-confirm">
${hidden('csrf_token', view.csrfToken)}
${hidden('client_id', view.clientId)}
${hidden('post_logout_redirect_uri', view.postLogoutRedirectUri)}
${hidden('state', view.state)}
${hidden('id_token_hint', view.idTokenHint)}
${hidden('ui_locales', locale.locale)}
<button type="submit" name="decision" value="sign_out">${escapeHtml(locale.t('logout.confirm.sign_out'))}</button>
<button type="submit" name="decision" value="stay">${escapeHtml(locale.t('logout.confirm.stay'))}</button>
</form>`,
  });
}

/**
 * After a logout: with nowhere to go back to (no registered post_logout_redirect_uri asked), or
 * with one that no valid id_token_hint vouched for (RP-Initiated Logout 1.0 §3), offered as a link.
 */
export function renderSignedOutPage(
  locale: PageLocale,
  back?: { href: string; clientName?: string },
): string {
  const host = back === undefined ? '' : new URL(back.href).host || back.href;
  const text =
    back === undefined
      ? ''
      : back.clientName === undefined
        ? locale.t('logout.signed_out.return_unnamed', { host })
        : locale.t('logout.signed_out.return', { client: back.clientName, host });
  const next =
    back === undefined
      ? `<p>${escapeHtml(locale.t('logout.signed_out.close'))}</p>`
      : `<p><a id="post-logout-link" href="${escapeHtml(back.href)}">${escapeHtml(text)}</a></p>`;
  return renderPage({
    title: locale.t('logout.signed_out.title'),
    narrow: true,
    session: null,
    locale,
    body: `<h1 id="signed-out">${escapeHtml(locale.t('logout.signed_out.heading'))}</h1>\n${next}`,
  });
}

/** The user chose to stay signed in. */
export function renderStillSignedInPage(locale: PageLocale): string {
  return renderPage({
    title: locale.t('logout.still_signed_in.title'),
    narrow: true,
    locale,
    body: `<h1 id="still-signed-in">${escapeHtml(locale.t('logout.still_signed_in.heading'))}</h1>
<p><a href="/account">${escapeHtml(locale.t('logout.still_signed_in.account'))}</a></p>`,
  });
}
