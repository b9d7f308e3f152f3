import { escapeHtml, renderPage } from '../../platform/http/html';
import { ProtocolError } from '../../platform/errors/protocol-error';

/**
 * The page shown instead of a redirect: when the client or redirect URI cannot be trusted (no
 * way back at all), or for a client that registered itself, whose redirect URI nobody vetted
 * (RFC 9700 §4.11.2): then `back` is the error response, offered as a link the user may follow.
 */
export function renderErrorPage(error: ProtocolError, back?: string): string {
  const why =
    back === undefined
      ? '<p>The application that sent you here made a request Proofgate cannot safely answer, so you were not sent back to it.</p>'
      : `<p>The application that sent you here made a request Proofgate did not grant. It registered itself with Proofgate, so you are not sent back to it automatically.</p>
<p><a id="back-to-client" href="${escapeHtml(back)}">Return to ${escapeHtml(new URL(back).host || back)}</a></p>`;
  return renderPage({
    title: 'Authorization error',
    narrow: true,
    body: `<h1>Authorization request rejected</h1>
<div class="card">
${why}
<dl>
<dt>error</dt><dd id="error">${escapeHtml(error.error)}</dd>
<dt>error_description</dt><dd id="error_description">${escapeHtml(error.description)}</dd>
</dl>
</div>`,
  });
}
