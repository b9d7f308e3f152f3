// An Express app whose users sign in with Auth.js, Proofgate as its OpenID Connect provider: found
// by discovery, authorization code with PKCE (S256), `state` and `nonce` checked, the ID token
// checked by Auth.js (oauth4webapi). The person signs in on Proofgate's login page with whatever
// it offers (a wallet, a passkey, a password, ...), and the page shows the session: Proofgate's
// `sub` (one account's, whichever method it used), the `acr` of the sign-in (ID token) and the
// method (`auth_method`, read once from Proofgate's /api/me with the access token).
//
//   npm start                                   # Proofgate on http://localhost:25000
//   AUTH_PROOFGATE_ID=authjs-example AUTH_PROOFGATE_SECRET=... AUTH_SECRET=... \
//     node examples/authjs/server.mjs           # this app on http://localhost:3000
//
// The client: `npm run admin -- clients add authjs-example --redirect-uri
// http://localhost:3000/auth/callback/proofgate` (it prints the secret), or an OAUTH_CLIENTS entry.
// Without AUTH_PROOFGATE_SECRET the app is a public client (PKCE alone). docs/CLIENTS.md#web-apps-on-authjs-nextauth
// has the same provider for Next.js.
import express from 'express';
import { ExpressAuth, getSession } from '@auth/express';

const issuer = (process.env.PROOFGATE_URL ?? 'http://localhost:25000').replace(/\/+$/, '');
const port = Number(process.env.AUTHJS_PORT ?? 3000);
const appUrl = (process.env.AUTHJS_APP_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
const clientId = process.env.AUTH_PROOFGATE_ID;
const clientSecret = process.env.AUTH_PROOFGATE_SECRET;

if (!clientId || !process.env.AUTH_SECRET) {
  console.error(
    [
      'Set AUTH_PROOFGATE_ID (and AUTH_PROOFGATE_SECRET for a confidential client) and AUTH_SECRET.',
      'Register the client at Proofgate, e.g.:',
      `  npm run admin -- clients add authjs-example --redirect-uri ${appUrl}/auth/callback/proofgate`,
      'AUTH_SECRET encrypts the session cookie: `openssl rand -base64 33`.',
    ].join('\n'),
  );
  process.exit(1);
}

/**
 * The provider: Proofgate by discovery, as any OpenID Connect provider. `sub` is the account's id
 * at Proofgate, the same whichever method the person signs in with.
 */
const proofgate = {
  id: 'proofgate',
  name: 'Proofgate',
  type: 'oidc',
  issuer,
  clientId,
  clientSecret,
  // A public client (no secret) proves the exchange by PKCE alone.
  ...(clientSecret ? {} : { client: { token_endpoint_auth_method: 'none' } }),
  checks: ['pkce', 'state', 'nonce'],
  authorization: { params: { scope: 'openid profile' } },
  profile: (claims) => ({ id: claims.sub, name: claims.name ?? claims.sub }),
};

/** The sign-in method behind an access token, as Proofgate's /api/me tells it. */
async function authMethodOf(accessToken) {
  const answer = await fetch(`${issuer}/api/me`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (!answer.ok) return undefined;
  const me = await answer.json();
  return typeof me.auth_method === 'string' ? me.auth_method : undefined;
}

const authConfig = {
  providers: [proofgate],
  callbacks: {
    // At sign-in (`account` and `profile` present), keep what the page shows in the session's
    // encrypted cookie; the tokens themselves are not kept.
    async jwt({ token, account, profile }) {
      if (account && profile) {
        // Without a database adapter, Auth.js gives each sign-in a random user id as `token.sub`:
        // keep Proofgate's, the account's, stable across the methods it signs in with.
        token.sub = profile.sub;
        token.acr = profile.acr;
        token.authMethod = await authMethodOf(account.access_token);
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, sub: token.sub, acr: token.acr, authMethod: token.authMethod };
    },
  },
};
// Auth.js builds its URLs (the redirect URI among them) from AUTH_URL, not from the request's Host
// header, which whoever sends the request chooses.
process.env.AUTH_URL ??= appUrl;

const escape = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

const app = express();
app.use('/auth', ExpressAuth(authConfig));

app.get('/', async (req, res) => {
  const session = await getSession(req, authConfig);
  const body = session
    ? `<p id="status">Signed in.</p>
<dl>
  <dt>sub</dt><dd id="sub">${escape(session.sub)}</dd>
  <dt>auth_method</dt><dd id="auth-method">${escape(session.authMethod ?? '')}</dd>
  <dt>acr</dt><dd id="acr">${escape(session.acr ?? '')}</dd>
</dl>
<p><a id="sign-out" href="/auth/signout">Sign out</a></p>`
    : `<p id="status">Signed out.</p>
<p><a id="sign-in" href="/auth/signin?callbackUrl=%2F">Sign in</a></p>`;
  res
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Auth.js and Proofgate</title></head><body><h1>Auth.js and Proofgate</h1>${body}</body></html>`,
    );
});

app.listen(port, '127.0.0.1', () => console.log(`Auth.js example on ${appUrl}`));
