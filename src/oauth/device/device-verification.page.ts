import { escapeHtml, renderPage } from '../../platform/http/html';
import { scopeListItems } from '../consent/consent.page';
import { isSelfRegistered, type OAuthClient } from '../../clients/oauth-client';

/** The code entry form: `user_code` prefilled from `verification_uri_complete` (RFC 8628 §3.3.1). */
export function renderDeviceCodePage(view: {
  userCode: string;
  csrfToken: string;
  signedInAs: string;
  error?: string;
}): string {
  return renderPage({
    title: 'Connect a device',
    narrow: true,
    body: `<h1>Connect a device</h1>
<div class="card" id="device">
<p>Type the code your device (a command line, a TV, an app) shows.</p>
${view.error === undefined ? '' : `<p id="device-error" role="alert">${escapeHtml(view.error)}</p>\n`}<form method="post" action="/device">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" value="${escapeHtml(view.userCode)}" autocomplete="off" autocapitalize="characters" spellcheck="false" required maxlength="32">
<p><button type="submit" name="action" value="lookup">Continue</button></p>
</form>
<p class="muted">Signed in as <strong>${escapeHtml(view.signedInAs)}</strong>.</p>
</div>`,
  });
}

/**
 * RFC 8628 §5.4 (remote phishing): the client and what it asks for, the code to compare with the
 * device's, and an explicit answer, every time: never approved without this click.
 */
export function renderDeviceConfirmPage(view: {
  client: OAuthClient;
  userCode: string;
  scopes: readonly string[];
  resource?: string;
  csrfToken: string;
  signedInAs: string;
}): string {
  const items = scopeListItems(view.scopes);
  return renderPage({
    title: 'Sign in a device?',
    narrow: true,
    body: `<h1>Sign in a device?</h1>
<div class="card" id="device-confirm">
<p><strong id="device-client">${escapeHtml(view.client.name)}</strong> <span class="muted">(${escapeHtml(view.client.clientId)})</span> on a device asks to:</p>
${
  isSelfRegistered(view.client)
    ? '<p class="muted" id="device-self-asserted">This application registered itself: its name is its own claim, not checked by Proofgate.</p>\n'
    : ''
}<ul id="device-scopes">
${items}
</ul>
${
  view.resource === undefined
    ? ''
    : `<p>at <strong><code id="device-resource">${escapeHtml(view.resource)}</code></strong> (not Proofgate's own API).</p>\n`
}<p>Check that your device shows this same code: <strong><code id="device-user-code">${escapeHtml(view.userCode)}</code></strong></p>
<p class="muted">Confirm only if you started this yourself, on a device in front of you. If someone sent you this code, deny.</p>
<p class="muted">Signed in as <strong>${escapeHtml(view.signedInAs)}</strong>.</p>
<form method="post" action="/device">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="user_code" value="${escapeHtml(view.userCode)}">
<p>
<button type="submit" name="action" value="approve" id="device-approve">Confirm and sign in the device</button>
<button type="submit" name="action" value="deny" id="device-deny" class="secondary">Deny</button>
</p>
</form>
</div>`,
  });
}

/** After the answer: back to the device, which learns it at its next poll. */
export function renderDeviceDonePage(view: {
  decision: 'approve' | 'deny';
  clientName?: string;
}): string {
  const name = escapeHtml(view.clientName ?? 'the application');
  const text =
    view.decision === 'approve'
      ? `Done: ${name} is signing in on your device. You can close this page and go back to it.`
      : `Denied: ${name} was not given access. You can close this page.`;
  return renderPage({
    title: view.decision === 'approve' ? 'Device signed in' : 'Device denied',
    narrow: true,
    body: `<h1>${view.decision === 'approve' ? 'Device signed in' : 'Device denied'}</h1>
<div class="card" id="device-done" data-decision="${view.decision}">
<p>${text}</p>
</div>`,
  });
}
