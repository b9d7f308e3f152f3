import { escapeHtml, renderPage } from '../../platform/http/html';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { PageLocale } from '../../platform/i18n/page-locale';

/**
 * The page shown instead of a redirect: when the client or redirect URI cannot be trusted (no
 * way back at all), or for a client that registered itself, whose redirect URI nobody vetted
 * (RFC 9700 §4.11.2): then `back` is the error response, offered as a link the user may follow.
 * The error and its description are the protocol's (English, for the developer), shown as sent.
 */
export function renderErrorPage(
  error: ProtocolError,
  back?: string,
  locale = PageLocale.of('en'),
): string {
  const why =
    back === undefined
      ? `<p>${escapeHtml(locale.t('error_page.unsafe'))}</p>`
      : `<p>${escapeHtml(locale.t('error_page.not_granted'))}</p>
<p><a id="back-to-client" href="${escapeHtml(back)}">${escapeHtml(locale.t('error_page.return', { host: new URL(back).host || back }))}</a></p>`;
  return renderPage({
    title: locale.t('error_page.title'),
    narrow: true,
    locale,
    body: `<h1>${escapeHtml(locale.t('error_page.heading'))}</h1>
<div class="card">
${why}
<dl>
<dt>error</dt><dd id="error">${escapeHtml(error.error)}</dd>
<dt>error_description</dt><dd id="error_description">${escapeHtml(error.description)}</dd>
</dl>
</div>`,
  });
}
