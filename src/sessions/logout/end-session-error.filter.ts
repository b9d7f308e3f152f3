import { Catch } from '@nestjs/common';
import type { ProtocolError } from '../../platform/errors/protocol-error';
import { RefusalPagesFilter } from '../../platform/errors/protocol-error.filter';
import { escapeHtml, renderPage } from '../../platform/http/html';
import type { HttpRequest } from '../../platform/http/http-exchange';
import type { PageLocale } from '../../platform/i18n/page-locale';

/**
 * `/end_session` is where a relying party sends the user's browser: a refused logout request (a
 * bad or foreign `id_token_hint`, an unregistered `post_logout_redirect_uri`) is read by a person,
 * so a browser gets a page saying so (RP-Initiated Logout 1.0 §3: no redirect to an unverified
 * URI, an error shown instead), and any other caller the one envelope. Nothing is redirected.
 */
@Catch()
export class EndSessionErrorPages extends RefusalPagesFilter {
  // GET is a navigation, POST the form an RP's page posts: either from a browser that wants HTML.
  protected refusalPage(error: ProtocolError, request: HttpRequest): string {
    // The request's own ui_locales (RP-Initiated Logout 1.0 §2), from the form or the query.
    return renderEndSessionErrorPage(error, this.localeOf(request));
  }
}

/**
 * The refusal as a person reads it, in their language: the request was not acted on, and why, in
 * the envelope's words (its `error` and `error_description`, for the developer, as stated).
 */
export function renderEndSessionErrorPage(error: ProtocolError, locale: PageLocale): string {
  const title = locale.t('logout.error.title');
  return renderPage({
    title,
    narrow: true,
    locale,
    body: `<h1>${escapeHtml(title)}</h1>
<div class="card">
<p>${escapeHtml(locale.t('logout.error.text'))}</p>
<dl>
<dt>error</dt><dd id="error">${escapeHtml(error.error)}</dd>
<dt>error_description</dt><dd id="error_description">${escapeHtml(error.description)}</dd>
</dl>
<p><a href="/">${escapeHtml(locale.t('logout.error.home'))}</a></p>
</div>`,
  });
}
