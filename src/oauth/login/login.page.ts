import { escapeHtml, renderPage } from '../../common/http/html';

export interface LoginPageView {
  readonly csrfToken: string;
  /** Already checked by `safeReturnTo`. */
  readonly returnTo: string;
  /** Echoed back after a failed attempt; the password never is. */
  readonly username?: string;
  readonly error?: string;
}

/** Longest username the form accepts. */
export const USERNAME_MAX_LENGTH = 256;
/** Longest password the form accepts: bounds the work one request can ask of scrypt. */
export const PASSWORD_MAX_LENGTH = 1024;

/**
 * The password login form. Plain HTML with no inline script or style, as the strict
 * Content-Security-Policy demands; every interpolated value goes through `escapeHtml`.
 */
export function renderLoginPage(view: LoginPageView): string {
  const error = view.error
    ? `\n<p id="login-error" role="alert">${escapeHtml(view.error)}</p>`
    : '';
  const described = view.error ? ' aria-describedby="login-error"' : '';
  return renderPage({
    title: 'Sign in',
    narrow: true,
    body: `<h1>Sign in</h1>${error}
<div class="card">
<form method="post" action="/login">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(view.returnTo)}">
<p>
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="${USERNAME_MAX_LENGTH}" value="${escapeHtml(view.username ?? '')}"${described}>
</p>
<p>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="${PASSWORD_MAX_LENGTH}"${described}>
</p>
<p><button type="submit">Sign in</button></p>
</form>
</div>`,
  });
}
