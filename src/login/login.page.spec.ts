import { ANY_SIGN_IN } from '../protocol-rules/acr';
import { PROOFS } from '../proof-registry';
import { type LoginPageView, loginPageButtons, renderLoginPage as renderWith } from './login.page';
import { scriptTag } from '../platform/http/html';
import { assetUrl } from '../platform/http/static-files';

/** The page as the service renders it: with the registry's buttons. */
const renderLoginPage = (view: LoginPageView) =>
  renderWith(view, loginPageButtons(Object.values(PROOFS)));

describe('loginPageButtons', () => {
  const ids = (settings?: { oid4vp: { enabled: boolean } }) =>
    loginPageButtons(Object.values(PROOFS), settings as never).map(({ id }) => id);

  it('offers the identity wallet only where an issuer is trusted (OID4VP_TRUSTED_ISSUERS)', () => {
    expect(ids({ oid4vp: { enabled: true } })).toEqual([
      'siwe',
      'siws',
      'siwb',
      'passkey',
      'oid4vp',
    ]);
    expect(ids({ oid4vp: { enabled: false } })).toEqual(['siwe', 'siws', 'siwb', 'passkey']);
    // Without settings (the page as the docs describe it): every button.
    expect(ids()).toContain('oid4vp');
  });
});

describe('renderLoginPage', () => {
  const hostile = `"><script>alert(1)</script><input value='`;

  it('links "Sign in with <name>" per upstream provider, with the page\'s return_to, escaped', () => {
    const providers = [
      { id: 'google', name: 'Google' },
      { id: 'corp', name: hostile },
    ];
    const buttons = loginPageButtons(Object.values(PROOFS));
    const plain = renderWith({ csrfToken: 't', returnTo: '/' }, buttons, providers);
    expect(plain).toContain(
      '<a href="/login/upstream/google" id="upstream-google-login" class="button secondary">Sign in with Google</a>',
    );
    expect(plain).not.toContain('<script>');
    const returnTo = '/authorize?client_id=c&state=s';
    const pending = renderWith({ csrfToken: 't', returnTo }, buttons, providers);
    expect(pending).toContain(
      'href="/login/upstream/google?return_to=%2Fauthorize%3Fclient_id%3Dc%26state%3Ds"',
    );
    // Never phishing-resistant: a required phr offers no provider.
    const stepUp = renderWith(
      { csrfToken: 't', returnTo: '/', requiredAcr: 'phr' },
      buttons,
      providers,
    );
    expect(stepUp).not.toContain('/login/upstream/');
  });

  it('escapes the username, the error, the return_to and the CSRF token', () => {
    const html = renderLoginPage({
      csrfToken: hostile,
      returnTo: hostile,
      username: hostile,
      error: { id: 'login.provider', values: { name: hostile } },
    });

    expect(html).not.toContain('<script>');
    expect(html).not.toContain(hostile);
    expect(html.match(/&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)).toHaveLength(4);
  });

  it('a required phr offers the passkey only; a voluntary one recommends it beside every other way', () => {
    const required = renderLoginPage({ csrfToken: 't', returnTo: '/', requiredAcr: 'phr' });
    expect(required).toContain('id="step-up"');
    expect(required).toContain('id="passkey-login"');
    expect(required).not.toContain('id="username"');
    expect(required).not.toContain('id="siwe-login"');

    const returnTo = '/authorize?client_id=c&pg_signin=m';
    const offered = renderLoginPage({ csrfToken: 't', returnTo, preferredAcr: 'phr' });
    expect(offered).toContain('id="step-up-offer"');
    expect(offered).not.toContain('id="step-up"');
    for (const way of ['passkey-login', 'username', 'siwe-login']) {
      expect(offered).toContain(`id="${way}"`);
    }
    // Signed in already: going on as they are is a link back to the request.
    expect(offered).not.toContain('continue-without-passkey');
    const signedIn = renderLoginPage({
      csrfToken: 't',
      returnTo,
      preferredAcr: 'phr',
      signedInAs: 'user1',
    });
    expect(signedIn).toContain(
      '<a href="/authorize?client_id=c&amp;pg_signin=m" id="continue-without-passkey">Continue as user1 without a passkey</a>',
    );
    // A sign-in of any kind meets 1fa: nothing to say.
    const any = renderLoginPage({
      csrfToken: 't',
      returnTo: '/',
      preferredAcr: 'urn:proofgate:acr:1fa',
    });
    expect(any).not.toContain('step-up');
  });

  it('has no inline script, style or event handler (the CSP would block them)', () => {
    const html = renderLoginPage({
      csrfToken: 't',
      returnTo: '/',
      error: { id: 'login.error.invalid_credentials' },
    });

    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    // The only scripts are files under /static, with nothing inline; the shared helpers first.
    // Besides them, one JSON data block (the scripts' texts), which a browser never runs.
    const [messages, ...others] =
      html.match(/<script type="application\/json"[^>]*>[^<]*<\/script>/g) ?? [];
    expect(others).toEqual([]);
    expect(messages).toMatch(/^<script type="application\/json" id="page-messages">\{"script\./);
    expect(html.match(/<script(?! type="application\/json")[^>]*>[^<]*<\/script>/g)).toEqual(
      [
        '/static/proofgate.js',
        '/static/siwe-wallet.js',
        '/static/wallet-login.js',
        '/static/siws-wallet.js',
        '/static/siwb-wallet.js',
        '/static/vendor/simplewebauthn-browser.js',
        '/static/passkey-login.js',
        '/static/identity-wallet-login.js',
      ].map(scriptTag),
    );
    expect(html.match(/<script/g)).toHaveLength(9);
  });

  it('offers Sign in with Ethereum below a divider, disabled until its script finds a wallet', () => {
    const html = renderLoginPage({ csrfToken: 't', returnTo: '/' });

    expect(html).toMatch(
      /<\/form>\n<p class="divider">or<\/p>\n<p><button type="button" id="siwe-login" class="secondary" disabled>Sign in with Ethereum<\/button><\/p>/,
    );
    expect(html).toContain('<p id="siwe-error" role="alert" hidden></p>');
  });

  it('offers Sign in with Solana beside it, disabled until Wallet Standard discovery finds one', () => {
    const html = renderLoginPage({ csrfToken: 't', returnTo: '/' });

    expect(html).toMatch(
      /<p id="siwe-error" role="alert" hidden><\/p>\n<p><button type="button" id="siws-login" class="secondary" disabled>Sign in with Solana<\/button><\/p>/,
    );
    expect(html).toContain('<p id="siws-error" role="alert" hidden></p>');
  });

  it('carries the CSRF token and return_to as hidden fields, and never a password value', () => {
    const html = renderLoginPage({ csrfToken: 'tok', returnTo: '/authorize?a=1&b=2' });

    expect(html).toContain('<input type="hidden" name="csrf_token" value="tok">');
    expect(html).toContain('<input type="hidden" name="return_to" value="/authorize?a=1&amp;b=2">');
    expect(html).toMatch(/<input id="password" name="password" type="password"(?![^>]*value=)/);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
  });

  it('offers to cancel a pending authorization last, after every way to sign in', () => {
    const html = renderLoginPage({
      csrfToken: 'csrf-1',
      returnTo: '/authorize?client_id=c&amp;state=s',
      pending: { clientId: 'c', clientName: 'Example <App>', scopes: ['profile'] },
    });

    const cancel =
      /<form method="post" action="\/consent" id="cancel-authorization">[\s\S]*?<\/form>/.exec(
        html,
      )?.[0];
    expect(cancel).toContain('<input type="hidden" name="decision" value="deny">');
    expect(cancel).toContain('name="csrf_token" value="csrf-1"');
    expect(cancel).toContain('Cancel and go back to Example &lt;App&gt;');
    // The password form and every proof's button come first: scripts that answer the first form
    // (docs/OAUTH.md's curl) still find the login form's fields.
    expect(html.indexOf('id="cancel-authorization"')).toBeGreaterThan(
      html.indexOf('id="login-form"'),
    );
    expect(html.indexOf('id="cancel-authorization"')).toBeGreaterThan(html.indexOf('id="connect-'));
    expect(renderLoginPage({ csrfToken: 't', returnTo: '/' })).not.toContain(
      'cancel-authorization',
    );
  });

  it('shows a signed-in user, escaped, with a Sign out form carrying the CSRF token', () => {
    const html = renderLoginPage({ csrfToken: 'tok', returnTo: '/', signedInAs: '<b>x</b>' });

    expect(html).toContain('Signed in as <strong>&lt;b&gt;x&lt;/b&gt;</strong>.');
    expect(html).toMatch(
      /<form method="post" action="\/logout">\n<input type="hidden" name="csrf_token" value="tok">\n<button type="submit" class="secondary">Sign out<\/button>\n<\/form>/,
    );
    expect(renderLoginPage({ csrfToken: 'tok', returnTo: '/' })).not.toContain('/logout');
  });

  it("renders a button per proof that has one, in the registry's order, each script loaded once", () => {
    const html = renderWith({ csrfToken: 't', returnTo: '/' }, [
      {
        id: 'one',
        text: { id: 'login.button.wallet', values: { chain: 'One' } },
        scripts: ['/static/shared.js', '/static/one.js'],
        until: 'disabled',
        acr: ANY_SIGN_IN,
      },
      {
        id: 'two',
        text: { id: 'login.button.wallet', values: { chain: 'Two' } },
        scripts: ['/static/shared.js'],
        until: 'hidden',
        acr: ANY_SIGN_IN,
      },
    ]);

    expect(html).toMatch(
      /<p class="divider">or<\/p>\n<p><button type="button" id="one-login" class="secondary" disabled>Sign in with One<\/button><\/p>\n<p id="one-status" class="muted" aria-live="polite" hidden><\/p>\n<p id="one-error" role="alert" hidden><\/p>\n<p><button type="button" id="two-login" class="secondary" hidden>Sign in with Two<\/button><\/p>/,
    );
    expect(html.match(/<script src="[^"]*"/g)).toEqual([
      `<script src="${assetUrl('/static/proofgate.js')}"`,
      // Paths of no file under src/public: linked without a version.
      '<script src="/static/shared.js"',
      '<script src="/static/one.js"',
    ]);
  });
});
