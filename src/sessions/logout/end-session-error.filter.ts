import { Catch } from '@nestjs/common';
import type { ProtocolError } from '../../platform/errors/protocol-error';
import { RefusalPagesFilter } from '../../platform/errors/protocol-error.filter';
import { escapeHtml, renderPage } from '../../platform/http/html';

/**
 * `/end_session` is where a relying party sends the user's browser: a refused logout request (a
 * bad or foreign `id_token_hint`, an unregistered `post_logout_redirect_uri`) is read by a person,
 * so a browser gets a page saying so (RP-Initiated Logout 1.0 §3: no redirect to an unverified
 * URI, an error shown instead), and any other caller the one envelope. Nothing is redirected.
 */
@Catch()
export class EndSessionErrorPages extends RefusalPagesFilter {
  // GET is a navigation, POST the form an RP's page posts: either from a browser that wants HTML.
  protected refusalPage(error: ProtocolError): string {
    return renderEndSessionErrorPage(error);
  }
}

/** The refusal as a person reads it: the request was not acted on, and why, in the envelope's words. */
export function renderEndSessionErrorPage(error: ProtocolError): string {
  return renderPage({
    title: 'Sign-out request rejected',
    narrow: true,
    body: `<h1>Sign-out request rejected</h1>
<div class="card">
<p>The application that sent you here asked Proofgate to sign you out with a request Proofgate
cannot accept, so nothing was changed and you were not sent back to it.</p>
<dl>
<dt>error</dt><dd id="error">${escapeHtml(error.error)}</dd>
<dt>error_description</dt><dd id="error_description">${escapeHtml(error.description)}</dd>
</dl>
<p><a href="/">Proofgate home</a></p>
</div>`,
  });
}
