import { escapeHtml, renderPage } from '../platform/http/html';
import {
  PageLocale,
  TrustedHtml,
  type MessageId,
  type PageText,
} from '../platform/i18n/page-locale';
import type { LoginButton, LoginButtonSettings } from '../proofs/proof-descriptor';
import { signInAcrOf } from '../proofs/proof-list';
import type { PendingAuthorizationView } from './pending-authorization';
import { DEFAULT_RETURN_TO } from '../sessions/return-to';
import { PASSWORD_MAX_LENGTH } from '../accounts/users/user-account.service';
import { EMAIL_MAX_LENGTH } from '../email/email-address';
import {
  ANY_SIGN_IN,
  PHISHING_RESISTANT,
  PHISHING_RESISTANT_HARDWARE,
  bestAcrOf,
  meetsAcr,
  type AcrValue,
  type SignInAcr,
} from '../protocol-rules/acr';

/** Whether a sign-in that achieves at best `signIn` (its proof's `acr`) can achieve `acr`. */
function achieves(signIn: SignInAcr, acr: AcrValue | undefined): boolean {
  return meetsAcr(bestAcrOf(signIn), acr);
}

export interface LoginPageView {
  readonly csrfToken: string;
  /** Already checked by `safeReturnTo`. */
  readonly returnTo: string;
  /** Echoed back after a failed attempt; the password never is. */
  readonly username?: string;
  readonly error?: PageText;
  /** The `sub` of the browser's live session, if any: shown with a Sign out control. */
  readonly signedInAs?: string;
  /** The application whose authorization request the login continues, if any. */
  readonly pending?: PendingAuthorizationView;
  /**
   * The `acr` the sign-in must achieve (RFC 9470 step-up): only the methods that achieve it are
   * offered, and the page says why.
   */
  readonly requiredAcr?: AcrValue;
  /**
   * The `acr` the client asked for as a voluntary claim (`acr_values`, OpenID Connect Core
   * §3.1.2.1): the page recommends what meets it, and offers the other ways to sign in too.
   */
  readonly preferredAcr?: AcrValue;
  /** Email sign-in is on: the page offers `form#email-login`. */
  readonly emailLogin?: boolean;
  /**
   * A `phrh` step-up of a signed-in account: the credential ids of its hardware-bound passkeys,
   * the only ones the passkey button asks the browser for (WebAuthn `allowCredentials`).
   */
  readonly hardwareBoundCredentials?: readonly string[];
  /**
   * The person's language (English when left out); the password form posts it back as
   * `ui_locales`, so the page shown again after a refusal keeps it.
   */
  readonly locale?: PageLocale;
}

/** Longest username the form accepts. */
export const USERNAME_MAX_LENGTH = 256;

/**
 * A proof's button (its descriptor's `loginButton`); the proof's id names its elements, and its
 * `acr` says which step-ups it is offered for.
 */
export interface LoginPageButton extends LoginButton {
  readonly id: string;
  readonly acr: SignInAcr;
}

/**
 * The login page's buttons, in the registry's order: the proofs that have one and that this
 * deployment offers (`settings`; without them, every button: the page as the docs describe it).
 */
export function loginPageButtons(
  proofs: readonly {
    readonly id: string;
    readonly loginButton?: LoginButton;
    readonly acr?: SignInAcr;
  }[],
  settings?: LoginButtonSettings,
): LoginPageButton[] {
  return proofs.flatMap(({ id, loginButton, acr }) =>
    loginButton && (settings === undefined || (loginButton.offered?.(settings) ?? true))
      ? [{ id, acr: acr ?? ANY_SIGN_IN, ...loginButton }]
      : [],
  );
}

/** An upstream identity provider of UPSTREAM_PROVIDERS, as the pages offer it (sign in, link). */
export interface OfferedProvider {
  readonly id: string;
  readonly name: string;
}

/**
 * "Sign in with <name>": a plain link to GET /login/upstream/{id}, which sends the browser on to
 * the provider; the page's return_to rides along (left out when it is the default).
 */
function providerHtml({ id, name }: OfferedProvider, returnTo: string, locale: PageLocale): string {
  const query = returnTo === DEFAULT_RETURN_TO ? '' : `?return_to=${encodeURIComponent(returnTo)}`;
  const path = `/login/upstream/${encodeURIComponent(id)}${query}`;
  return `<p><a href="${escapeHtml(path)}" id="upstream-${escapeHtml(id)}-login" class="button secondary">${escapeHtml(locale.t('login.provider', { name }))}</a></p>`;
}

function buttonHtml(
  { id, text, until }: LoginPageButton,
  allowCredentials: readonly string[] | undefined,
  locale: PageLocale,
): string {
  const name = escapeHtml(id);
  // Read by the passkey's script (passkey-login.js): only these credentials are asked for.
  const allow =
    allowCredentials === undefined
      ? ''
      : ` data-allow-credentials="${escapeHtml(allowCredentials.join(' '))}"`;
  return `<p><button type="button" id="${name}-login" class="secondary" ${until}${allow}>${escapeHtml(locale.text(text))}</button></p>
<p id="${name}-status" class="muted" aria-live="polite" hidden></p>
<p id="${name}-error" role="alert" hidden></p>`;
}

/**
 * The login page: the password form and, below a divider, a button per proof that has one
 * ("Sign in with Ethereum", "Sign in with Solana", "Sign in with a passkey"). Plain HTML with no
 * inline script or style, as the strict Content-Security-Policy demands; every interpolated value
 * goes through `escapeHtml`. Each wallet button starts disabled and is enabled by its script only
 * when the browser has such a wallet; the passkey's is hidden until the browser supports them.
 */
export function renderLoginPage(
  view: LoginPageView,
  allButtons: readonly LoginPageButton[],
  allProviders: readonly OfferedProvider[] = [],
  proofs: readonly { readonly id: string; readonly acr?: SignInAcr }[] = [],
): string {
  const locale = view.locale ?? PageLocale.of('en');
  const t = (id: MessageId) => escapeHtml(locale.t(id));
  // What the methods without a button achieve (password, email, providers), from the registry.
  const offered = (method: string) => achieves(signInAcrOf(proofs, method), view.requiredAcr);
  const buttons = allButtons.filter((button) => achieves(button.acr, view.requiredAcr));
  // A provider's sign-in is never phishing-resistant here: none is offered where phr is required.
  const providers = offered('upstream') ? allProviders : [];
  const others = [
    ...buttons.map((button) => buttonHtml(button, view.hardwareBoundCredentials, locale)),
    ...providers.map((provider) => providerHtml(provider, view.returnTo, locale)),
  ];
  const passwordOffered = offered('password');
  const email = view.emailLogin === true && offered('email') ? emailForm(view, locale) : '';
  const acr = (value: string) => new TrustedHtml(`<code>${escapeHtml(value)}</code>`);
  const stepUp =
    view.requiredAcr === PHISHING_RESISTANT
      ? `
<div class="card" id="step-up">
<p>${locale.html('login.step_up.phr', { acr: acr(view.requiredAcr) })}</p>
</div>`
      : view.requiredAcr === PHISHING_RESISTANT_HARDWARE
        ? `
<div class="card" id="step-up">
<p>${locale.html('login.step_up.phrh', { acr: acr(view.requiredAcr) })}</p>
</div>`
        : view.preferredAcr !== undefined && meetsAcr(view.preferredAcr, PHISHING_RESISTANT)
          ? stepUpOffer(view, locale)
          : '';
  const error = view.error
    ? `\n<p id="login-error" role="alert">${escapeHtml(locale.text(view.error))}</p>`
    : '';
  const described = view.error ? ' aria-describedby="login-error"' : '';
  const signedIn = view.signedInAs
    ? `
<div class="card" id="signed-in">
<p>${locale.html('login.signed_in', { subject: view.signedInAs })}</p>
<form method="post" action="/logout">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<button type="submit" class="secondary">${t('login.sign_out')}</button>
</form>
</div>`
    : '';
  const pending = view.pending ? pendingHtml(view.pending, locale) : '';
  // Last on the page, after every way to sign in: scripts that answer the first form (the
  // password form) and its first hidden fields keep working.
  const cancel = view.pending
    ? `
<form method="post" action="/consent" id="cancel-authorization">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(view.returnTo)}">
<input type="hidden" name="decision" value="deny">
<p><button type="submit" class="secondary">${escapeHtml(locale.t('login.cancel', { client: view.pending.clientName }))}</button></p>
</form>`
    : '';
  return renderPage({
    title: locale.t('login.title'),
    narrow: true,
    locale,
    session: view.signedInAs
      ? { subject: view.signedInAs, csrfToken: view.csrfToken, returnTo: '/login' }
      : null,
    scripts: [...new Set(buttons.flatMap((button) => button.scripts))],
    body: `<h1>${t('login.title')}</h1>${error}${pending}${stepUp}${signedIn}
<div class="card">${loginForm(view, described, passwordOffered, locale)}
${others.length > 0 ? `${passwordOffered ? `<p class="divider">${t('login.or')}</p>\n` : ''}${others.join('\n')}\n` : ''}${email}</div>${cancel}`,
  });
}

/**
 * Email sign-in: the address, and the page's CSRF token and return_to, posted to
 * /login/email/start (a plain form: the answer is the page that takes the code). Its button says
 * "Email me a code", never "Sign in": scripts find the password form's button by that text.
 */
function emailForm(view: LoginPageView, locale: PageLocale): string {
  return `<p class="divider">${escapeHtml(locale.t('login.or'))}</p>
<form method="post" action="/login/email/start" id="email-login">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(view.returnTo)}">
<input type="hidden" name="ui_locales" value="${escapeHtml(locale.locale)}">
<p>
<label for="email">${escapeHtml(locale.t('login.email'))}</label>
<input id="email" name="email" type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required maxlength="${EMAIL_MAX_LENGTH}">
</p>
<p><button type="submit" class="secondary">${escapeHtml(locale.t('login.email.submit'))}</button></p>
</form>
`;
}

/**
 * A voluntary `phr` (OpenID Connect Core §3.1.2.1): the passkey is recommended, the other ways
 * stay, and the client is told what the sign-in achieved (the ID token's `acr`). A user already
 * signed in may go on as they are: back to the request, whose marker says they were offered it.
 */
function stepUpOffer(view: LoginPageView, locale: PageLocale): string {
  const goOn = view.signedInAs
    ? `
<p><a href="${escapeHtml(view.returnTo)}" id="continue-without-passkey">${escapeHtml(locale.t('login.step_up.continue', { subject: view.signedInAs }))}</a></p>`
    : '';
  return `
<div class="card" id="step-up-offer">
<p>${locale.html('login.step_up.offer', { acr: new TrustedHtml(`<code>${PHISHING_RESISTANT}</code>`) })}</p>${goOn}
</div>`;
}

/**
 * The password form. Its hidden fields are the page's CSRF token and return_to, which every
 * proof's script reads (proofgate.js `loginField`): a step-up page that offers no password keeps
 * them, in a hidden form without the password fields.
 */
function loginForm(
  view: LoginPageView,
  described: string,
  passwordOffered: boolean,
  locale: PageLocale,
): string {
  const fields = `
<form method="post" action="/login" id="login-form"${passwordOffered ? '' : ' hidden'}>
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(view.returnTo)}">
<input type="hidden" name="ui_locales" value="${escapeHtml(locale.locale)}">`;
  if (!passwordOffered) return `${fields}\n</form>`;
  return `${fields}
<p>
<label for="username">${escapeHtml(locale.t('login.username'))}</label>
<input id="username" name="username" type="text" autocomplete="username webauthn" autocapitalize="none" spellcheck="false" required maxlength="${USERNAME_MAX_LENGTH}" value="${escapeHtml(view.username ?? '')}"${described}>
</p>
<p>
<label for="password">${escapeHtml(locale.t('login.password'))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="${PASSWORD_MAX_LENGTH}"${described}>
</p>
<p><button type="submit">${escapeHtml(locale.t('login.submit'))}</button></p>
</form>`;
}

/** Who asks the person to sign in (the registered client's name and id), and for which scopes. */
function pendingHtml(pending: PendingAuthorizationView, locale: PageLocale): string {
  const values = {
    client: new TrustedHtml(
      `<strong id="pending-client">${escapeHtml(pending.clientName)}</strong>`,
    ),
    clientId: new TrustedHtml(`<span class="muted">(${escapeHtml(pending.clientId)})</span>`),
    scopes: new TrustedHtml(
      `<span id="pending-scopes">${pending.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}</span>`,
    ),
  };
  const text = pending.scopes.length > 0 ? 'login.pending.scopes' : 'login.pending';
  return `
<div class="card" id="pending-authorization">
<p>${locale.html(text, values)}</p>
</div>`;
}
