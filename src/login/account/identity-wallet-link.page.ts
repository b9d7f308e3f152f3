import type { CredentialClaims, CredentialIssuer } from '../../accounts/account';
import { escapeHtml, renderPage } from '../../platform/http/html';
import { PageLocale, TrustedHtml, type MessageId } from '../../platform/i18n/page-locale';

/** What the wallet's redirect asks the person to confirm. */
export interface IdentityWalletLinkView {
  /** The account the credential would be linked to. */
  readonly account: string;
  readonly issuedBy: CredentialIssuer;
  /** The claims the wallet disclosed: the person's own, to tell the credential is theirs. */
  readonly claims: CredentialClaims;
  readonly responseCode: string;
  readonly csrfToken: string;
}

/** An ISO 8601 date (`YYYY-MM-DD`, as SD-JWT VCs disclose `birthdate`) written for the locale. */
function dateOf(value: string, locale: PageLocale): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
  return date === undefined || Number.isNaN(date.getTime())
    ? value
    : locale.formatDate(date, { dateStyle: 'long', timeZone: 'UTC' });
}

/**
 * "Link your identity wallet", the last step: the credential the wallet presented, for the person
 * to recognise as theirs, and a form that links it (its CSRF token). Opening the wallet's link
 * links nothing: another site could send this browser to a code its maker's credential answered.
 */
export function renderIdentityWalletLinkPage(
  view: IdentityWalletLinkView,
  locale: PageLocale,
): string {
  const { claims } = view;
  const t = (id: MessageId) => escapeHtml(locale.t(id));
  const name = [claims.given_name, claims.family_name].filter((part) => part !== undefined);
  const row = (term: MessageId, value: string) =>
    `<dt>${t(term)}</dt><dd>${escapeHtml(value)}</dd>`;
  const account = new TrustedHtml(`<strong id="link-account">${escapeHtml(view.account)}</strong>`);
  return renderPage({
    title: locale.t('wallet_link.title'),
    narrow: true,
    locale,
    body: `<h1>${t('wallet_link.title')}</h1>
<div class="card">
<p>${locale.html('wallet_link.question', { account })}</p>
<dl id="link-credential">
${row('wallet_link.issued_by', view.issuedBy.issuer)}
${row('wallet_link.type', view.issuedBy.vct)}
${name.length > 0 ? row('wallet_link.name', name.join(' ')) : ''}
${claims.birthdate === undefined ? '' : row('wallet_link.born', dateOf(claims.birthdate, locale))}
</dl>
<p>${t('wallet_link.warning')}</p>
<form method="post" action="/account/oid4vp/complete">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="response_code" value="${escapeHtml(view.responseCode)}">
<button type="submit" id="link-oid4vp-confirm">${t('wallet_link.confirm')}</button>
</form>
<p><a href="/account">${t('wallet_link.not_mine')}</a></p>
</div>`,
  });
}
