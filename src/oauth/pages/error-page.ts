import { escapeHtml } from '../../common/http/html';
import { ProtocolError } from '../../common/errors/protocol-error';

/** The page shown instead of a redirect when the client or redirect URI cannot be trusted. */
export function renderErrorPage(error: ProtocolError): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorization error · Proofgate</title>
</head>
<body>
<main>
<h1>Authorization request rejected</h1>
<p>The application that sent you here made a request Proofgate cannot safely answer, so you were not sent back to it.</p>
<dl>
<dt>error</dt><dd id="error">${escapeHtml(error.error)}</dd>
<dt>error_description</dt><dd id="error_description">${escapeHtml(error.description)}</dd>
</dl>
</main>
</body>
</html>
`;
}
