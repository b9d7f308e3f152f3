import { escapeHtml, renderPage } from '../../platform/http/html';
import { ProtocolError } from '../../platform/errors/protocol-error';

/** The page shown instead of a redirect when the client or redirect URI cannot be trusted. */
export function renderErrorPage(error: ProtocolError): string {
  return renderPage({
    title: 'Authorization error',
    narrow: true,
    body: `<h1>Authorization request rejected</h1>
<div class="card">
<p>The application that sent you here made a request Proofgate cannot safely answer, so you were not sent back to it.</p>
<dl>
<dt>error</dt><dd id="error">${escapeHtml(error.error)}</dd>
<dt>error_description</dt><dd id="error_description">${escapeHtml(error.description)}</dd>
</dl>
</div>`,
  });
}
