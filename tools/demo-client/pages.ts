import type { TokenSet } from './sessions';

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** HTML that is already escaped; everything else passed to `html` is escaped. */
class SafeHtml {
  constructor(readonly value: string) {}
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(value);
}

export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Proofgate demo client</title>
        <link rel="stylesheet" href="/static/demo-client.css" />
      </head>
      <body>
        <header>
          <a class="brand" href="/">Proofgate demo client</a>
          <nav><a href="/">Home</a> <a href="/debug/state">Session (redacted)</a></nav>
        </header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html> `.value;
}

function rows(entries: ReadonlyArray<readonly [string, unknown]>): SafeHtml {
  return html`<table>
    ${entries
      .filter(([, value]) => value !== undefined)
      .map(
        ([name, value]) =>
          html`<tr>
            <th scope="row">${name}</th>
            <td><code>${value}</code></td>
          </tr>`,
      )}
  </table>`;
}

export function homePage(authorizationServer: string, clientId: string): string {
  return layout(
    'Authorization code + PKCE',
    html`<p>
        A confidential OAuth client (<code>${clientId}</code>) of the Proofgate authorization server
        at <code>${authorizationServer}</code>. It keeps <code>state</code> and the PKCE
        <code>code_verifier</code> in its own server-side session and redeems the code server to
        server: the verifier never travels through the browser.
      </p>
      <p><a class="button" href="/login">Start authorization</a></p>
      <h2>Negative tests</h2>
      <p>
        Each sends a broken authorization request; Proofgate must send the browser back with
        <code>error=invalid_request</code>.
      </p>
      <ul class="tests">
        <li>
          <a href="/test/missing-state">missing state</a>: no <code>state</code> parameter, and no
          PKCE (with PKCE, <code>state</code> is optional: PKCE protects against CSRF)
        </li>
        <li><a href="/test/missing-pkce">missing PKCE</a>: no <code>code_challenge</code></li>
        <li>
          <a href="/test/plain-method">plain method</a>:
          <code>code_challenge_method=plain</code>
        </li>
      </ul>`,
  );
}

export interface TokensView {
  heading: string;
  intro?: string;
  authorizationResponse?: { code: string; state?: string; iss?: string };
  tokens: TokenSet;
  previousRefreshToken?: string;
  me: unknown;
  csrfToken: string;
}

export function tokensPage(view: TokensView): string {
  const { tokens } = view;
  return layout(
    view.heading,
    html`${view.intro && html`<p class="ok">${view.intro}</p>`}
      ${
        view.authorizationResponse &&
        html`<h2>Authorization response</h2>
          ${rows([
            ['code (already redeemed, single use)', view.authorizationResponse.code],
            ['state (matched this session)', view.authorizationResponse.state],
            ['iss', view.authorizationResponse.iss],
          ])}`
      }
      <h2>Token response</h2>
      ${rows([
        ['access_token', tokens.accessToken],
        ['token_type', tokens.tokenType],
        ['expires_in', tokens.expiresIn],
        ['refresh_token', tokens.refreshToken],
        ['scope', tokens.scope],
        ['previous refresh_token (now spent)', view.previousRefreshToken],
      ])}
      <h2>GET /api/me</h2>
      <pre id="api-me">${JSON.stringify(view.me, null, 2)}</pre>
      ${
        tokens.refreshToken &&
        html`<form method="post" action="/refresh">
          <input type="hidden" name="csrf_token" value="${view.csrfToken}" />
          <button type="submit">Refresh tokens</button>
        </form>`
      }`,
  );
}

export interface ErrorView {
  heading: string;
  message?: string;
  details?: ReadonlyArray<readonly [string, unknown]>;
}

export function errorPage(view: ErrorView): string {
  return layout(
    view.heading,
    html`${view.message && html`<p class="error">${view.message}</p>`}
      ${view.details && rows(view.details)}
      <p><a class="button" href="/">Back to the start</a></p>`,
  );
}

export function debugPage(state: unknown): string {
  return layout(
    'Client session (redacted)',
    html`<p>
        What this client keeps for your browser session. Secrets (verifier, tokens, code, CSRF
        token) appear only as a short SHA-256 fingerprint.
      </p>
      <pre id="session">${JSON.stringify(state, null, 2)}</pre>`,
  );
}

export const STYLESHEET = `
:root { color-scheme: light; --ink: #1e293b; --muted: #64748b; --accent: #0550ae; --bad: #b42318; --ok: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: #f8fafc; }
header { display: flex; justify-content: space-between; align-items: center; padding: .75rem 1.5rem; background: var(--accent); }
header a { color: #fff; text-decoration: none; margin-left: 1rem; }
header .brand { font-weight: 600; margin-left: 0; }
main { max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem 2rem; background: #fff; border: 1px solid #e2e8f0; border-radius: .5rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.75rem; }
a { color: var(--accent); }
code, pre { font-family: ui-monospace, monospace; font-size: .85rem; }
pre { background: #f1f5f9; padding: 1rem; border-radius: .375rem; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid #e2e8f0; }
th { width: 16rem; font-weight: 600; }
td code { word-break: break-all; }
.button, button { display: inline-block; padding: .5rem 1rem; border: 0; border-radius: .375rem; background: var(--accent); color: #fff; font: inherit; text-decoration: none; cursor: pointer; }
.error { color: var(--bad); font-weight: 600; }
.ok { color: var(--ok); font-weight: 600; }
.tests li { margin: .25rem 0; }
`;
