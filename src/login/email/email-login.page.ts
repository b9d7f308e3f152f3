import { escapeHtml, renderPage, renderRefusalPage } from '../../platform/http/html';
import { EMAIL_CODE_TTL_SECONDS } from '../../email/email.proof';

/** The page after asking for a code: enter the code, or open the mail's link here. */
export interface EmailCodePageView {
  readonly csrfToken: string;
  readonly returnTo: string;
  readonly error?: string;
  /** Outside production with the embedded catcher: where the mail shows. */
  readonly mailbox: boolean;
}

/**
 * "Check your inbox": the code form (`form#email-verify`, posting to /login/email/verify) and,
 * on a development instance, the way to the mailbox. Plain HTML, no script, as the login page.
 */
export function renderEmailCodePage(view: EmailCodePageView): string {
  const error = view.error
    ? `\n<p id="email-error" role="alert">${escapeHtml(view.error)}</p>`
    : '';
  const mailbox = view.mailbox
    ? `\n<p id="dev-mailbox" class="muted">This is a development instance: the mail is in the <a href="/dev/mailbox" target="_blank">development mailbox</a>. Open its link in this browser, or copy its code here.</p>`
    : '';
  return renderPage({
    title: 'Check your inbox',
    narrow: true,
    body: `<h1>Check your inbox</h1>${error}
<div class="card">
<p>If the address can receive mail, a sign-in code is on its way. Enter it here, or open the link in the mail in this browser. Both work once, for ${EMAIL_CODE_TTL_SECONDS / 60} minutes.</p>${mailbox}
<form method="post" action="/login/email/verify" id="email-verify">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(view.returnTo)}">
<p>
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{8}" maxlength="8" required${view.error ? ' aria-describedby="email-error"' : ''}>
</p>
<p><button type="submit">Continue</button></p>
</form>
<p><a href="/login?return_to=${encodeURIComponent(view.returnTo)}">Use another address or way to sign in</a></p>
</div>`,
  });
}

/** The page a mail's link opens: one button that confirms, posted from this browser. */
export interface EmailLinkPageView {
  readonly csrfToken: string;
  readonly token: string;
  readonly error?: string;
}

/**
 * GET /login/email/link: a confirmation, not the sign-in itself. Mail scanners and link previews
 * open links; only a form posted with this browser's CSRF token signs in, so a scanner spends
 * nothing and signs nobody in.
 */
export function renderEmailLinkPage(view: EmailLinkPageView): string {
  const error = view.error
    ? `\n<p id="email-error" role="alert">${escapeHtml(view.error)}</p>`
    : '';
  return renderPage({
    title: 'Sign in by email',
    narrow: true,
    body: `<h1>Sign in by email</h1>${error}
<div class="card">
<p>Continue to sign in with the link from your mail. It works in the browser where you asked for the code.</p>
<form method="post" action="/login/email/link" id="email-link">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="token" value="${escapeHtml(view.token)}">
<p><button type="submit">Continue</button></p>
</form>
<p><a href="/login">Back to the sign-in page</a></p>
</div>`,
  });
}

/** A refusal of an email sign-in read by a person (a form post or the link page). */
export function renderEmailErrorPage(error: { error: string; description: string }): string {
  return renderRefusalPage({
    title: 'Sign in by email',
    alertId: 'email-error',
    description: error.description,
    back: { href: '/login', text: 'Back to the sign-in page' },
  });
}
