import { DEFAULT_LOCALE, PageLocale } from '../i18n/page-locale';
import { escapeHtml } from './escape-html';
import { assetUrl } from './static-files';

export { escapeHtml } from './escape-html';

/** Served from src/public: window.Proofgate, the helpers every page script uses. */
export const PAGE_HELPERS_SCRIPT = '/static/proofgate.js';
/** Every page's stylesheet. */
export const STYLESHEET = '/static/proofgate.css';

export interface PageOptions {
  title: string;
  /** Trusted HTML: every interpolated value in it must already be escaped. */
  body: string;
  /**
   * The page's own script paths under /static (the CSP allows no inline script); where there are
   * any, PAGE_HELPERS_SCRIPT goes first.
   */
  scripts?: string[];
  /** A narrow column, for forms. */
  narrow?: boolean;
  /** A wide column, for pages of wide tables. */
  wide?: boolean;
  /**
   * The browser's login session, for the header: "Signed in as … Sign out", or (null) a Sign in
   * link. Left out, the header says nothing about it (a page that did not look it up).
   */
  session?: PageSession | null;
  /**
   * The person's language: `<html lang>`, the header's and the scripts' texts. Required, so no
   * page forgets it: a page that stays English by design passes ENGLISH_ONLY.
   */
  locale: PageLocale;
}

/**
 * The locale of the pages that stay English by design: a developer's or an operator's (the lab,
 * the admin console, the challenge models, the demo dApp, the development mailbox, the landing
 * page), whose words are the protocols' and the code's (docs/LANGUAGES.md).
 */
export const ENGLISH_ONLY: PageLocale = PageLocale.of(DEFAULT_LOCALE);

/** What the header needs to show a live login session and sign it out. */
export interface PageSession {
  readonly subject: string;
  /** The page's CSRF token, posted with Sign out. */
  readonly csrfToken: string;
  /** Where Sign out lands: this page (checked again by POST /logout). */
  readonly returnTo: string;
}

function sessionNav(session: PageSession | null | undefined, locale: PageLocale): string {
  if (session === undefined) return '';
  if (session === null) {
    return `<a href="/login" id="nav-sign-in">${escapeHtml(locale.t('frame.nav.sign_in'))}</a>`;
  }
  return `<span id="nav-session">${locale.html('frame.nav.signed_in_as', { subject: session.subject })}</span><form method="post" action="/logout" class="nav-sign-out">
<input type="hidden" name="csrf_token" value="${escapeHtml(session.csrfToken)}">
<input type="hidden" name="return_to" value="${escapeHtml(session.returnTo)}">
<button type="submit" class="link">${escapeHtml(locale.t('frame.nav.sign_out'))}</button>
</form>`;
}

/** A page's script element for a file under /static: by its versioned URL, run after parsing. */
export function scriptTag(src: string): string {
  return `<script src="${escapeHtml(assetUrl(src))}" defer></script>`;
}

/**
 * The shared page frame: stylesheet, site header, no inline script or style. The header links
 * only pages every instance serves; the lab and the API description, which an instance may turn
 * off (production does by default), are linked from the landing page when they are on.
 */
export function renderPage({
  title,
  body,
  scripts = [],
  narrow = false,
  wide = false,
  session,
  locale,
}: PageOptions): string {
  const loaded = scripts.length > 0 ? [PAGE_HELPERS_SCRIPT, ...scripts] : [];
  const tags = loaded.map(scriptTag);
  // The scripts' texts in the page's language: a JSON data block, which the CSP lets through
  // (it is never run), read by proofgate.js `text`.
  if (loaded.length > 0) {
    tags.push(
      `<script type="application/json" id="page-messages">${locale.scriptMessagesJson()}</script>`,
    );
  }
  return `<!DOCTYPE html>
<html lang="${escapeHtml(locale.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(locale.t('frame.title', { title }))}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assetUrl(STYLESHEET))}">
${tags.join('\n')}
</head>
<body>
<header class="site"><a class="brand" href="/">${escapeHtml(locale.t('frame.brand'))}</a>
<nav><a href="/challenge-models">${escapeHtml(locale.t('frame.nav.models'))}</a><a href="/demo/wallet">${escapeHtml(locale.t('frame.nav.demo'))}</a>${sessionNav(session, locale)}</nav></header>
<main${narrow ? ' class="narrow"' : wide ? ' class="wide"' : ''}>
${body}
</main>
</body>
</html>
`;
}

/** A refusal a person reads: the page's title, why (an alert of id `alertId`), and one way on. */
export function renderRefusalPage(view: {
  readonly title: string;
  readonly alertId: string;
  readonly description: string;
  readonly back: { readonly href: string; readonly text: string };
  readonly locale: PageLocale;
}): string {
  return renderPage({
    title: view.title,
    narrow: true,
    locale: view.locale,
    body: `<h1>${escapeHtml(view.title)}</h1>
<p id="${view.alertId}" role="alert">${escapeHtml(view.description)}</p>
<div class="card">
<p><a href="${escapeHtml(view.back.href)}">${escapeHtml(view.back.text)}</a></p>
</div>`,
  });
}
