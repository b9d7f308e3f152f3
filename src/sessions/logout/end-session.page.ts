import { escapeHtml, renderPage } from '../../platform/http/html';

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
  const asker =
    view.clientName === undefined
      ? 'An application asks'
      : `<strong>${escapeHtml(view.clientName)}</strong> asks`;
  const other = view.otherSession
    ? '<p id="other-session">The request was made for another sign-in than the one in this browser.</p>'
    : '';
  return renderPage({
    title: 'Sign out?',
    narrow: true,
    body: `<h1>Sign out?</h1>
<p>${asker} to sign you out of Proofgate. You are signed in as <strong>${escapeHtml(view.subject)}</strong>.</p>
${other}
<form method="post" action="/end_session/confirm" id="end-session-confirm">
${hidden('csrf_token', view.csrfToken)}
${hidden('client_id', view.clientId)}
${hidden('post_logout_redirect_uri', view.postLogoutRedirectUri)}
${hidden('state', view.state)}
${hidden('id_token_hint', view.idTokenHint)}
<button type="submit" name="decision" value="sign_out">Sign out</button>
<button type="submit" name="decision" value="stay">Stay signed in</button>
</form>`,
  });
}

/**
 * After a logout: with nowhere to go back to (no registered post_logout_redirect_uri asked), or
 * with one that no valid id_token_hint vouched for (RP-Initiated Logout 1.0 §3), offered as a link.
 */
export function renderSignedOutPage(back?: { href: string; clientName?: string }): string {
  const next =
    back === undefined
      ? '<p>You can close this window.</p>'
      : `<p><a id="post-logout-link" href="${escapeHtml(back.href)}">Return to ${escapeHtml(back.clientName ?? 'the application')} (${escapeHtml(new URL(back.href).host || back.href)})</a></p>`;
  return renderPage({
    title: 'Signed out',
    narrow: true,
    session: null,
    body: `<h1 id="signed-out">You are signed out</h1>\n${next}`,
  });
}

/** The user chose to stay signed in. */
export function renderStillSignedInPage(): string {
  return renderPage({
    title: 'Still signed in',
    narrow: true,
    body: '<h1 id="still-signed-in">You are still signed in</h1>\n<p><a href="/account">Your account</a></p>',
  });
}
