// Serves the SPA example from its own origin: `npm run example:spa [-- --port N]`, or
// `node examples/spa/serve.mjs`. PROOFGATE_URL: the issuer (default http://localhost:25000).
// --port N (or SPA_PORT): the port on 127.0.0.1 (default 25002, the port of demo-spa's registered
// redirect URI; outside production demo-spa works on any port). SPA_CLIENT_ID: the public client
// to sign in as (default demo-spa); its redirect URI must be http://127.0.0.1:<port>/callback.
// SPA_API: the protected resource the page calls with its access token (default <issuer>/api/me);
// when it answers RFC 9470's insufficient_user_authentication challenge, the page steps up.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const issuer = new URL(process.env.PROOFGATE_URL ?? 'http://localhost:25000').origin;
/** `--port N` (or `--port=N`), else SPA_PORT, else 25002. */
function chosenPort(argv) {
  const at = argv.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  const given =
    at < 0 ? process.env.SPA_PORT : argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
  const port = Number(given ?? 25002);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`SPA example: --port (or SPA_PORT) must be a port number, got ${given}`);
    process.exit(1);
  }
  return port;
}

const port = chosenPort(process.argv.slice(2));
const clientId = process.env.SPA_CLIENT_ID ?? 'demo-spa';
const origin = `http://127.0.0.1:${port}`;

const config = {
  issuer,
  client_id: clientId,
  redirect_uri: `${origin}/callback`,
  scope: 'profile api',
  api: new URL(process.env.SPA_API ?? `${issuer}/api/me`).href,
};
const apiOrigin = new URL(config.api).origin;

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const html = { type: 'text/html; charset=utf-8', file: here('./index.html') };
// oauth4webapi's own ES module build, as published: no bundler, nothing vendored.
const library = fileURLToPath(import.meta.resolve('oauth4webapi'));
const routes = {
  '/': html,
  '/callback': html,
  '/app.js': { type: 'text/javascript; charset=utf-8', file: here('./app.js') },
  '/app.css': { type: 'text/css; charset=utf-8', file: here('./app.css') },
  '/oauth4webapi.js': { type: 'text/javascript; charset=utf-8', file: library },
  '/config.json': { type: 'application/json', body: JSON.stringify(config) },
};

const headers = {
  // Scripts from this origin only; fetch to this origin, Proofgate and the API only.
  'content-security-policy': `default-src 'self'; connect-src 'self' ${issuer}${apiOrigin === issuer ? '' : ` ${apiOrigin}`}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
  // The callback URL carries the code: never send it on as a Referer.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

const server = createServer((req, res) => {
  const route = req.method === 'GET' ? routes[new URL(req.url, origin).pathname] : undefined;
  if (!route) {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found\n');
    return;
  }
  const body = route.body === undefined ? readFile(route.file) : Promise.resolve(route.body);
  body.then(
    (content) => res.writeHead(200, { ...headers, 'content-type': route.type }).end(content),
    () => res.writeHead(500, headers).end(),
  );
});

/**
 * Before serving: does Proofgate know this client at this origin? A redirect URI on another port
 * passes /authorize (a public client's loopback redirect may use any port, RFC 8252 §7.3), but in
 * production the browser's call to /token is then refused by CORS after the login (outside
 * production a configured public client's loopback origin may call from any port): say so now,
 * with the fix.
 */
async function registrationProblem() {
  let preflight;
  try {
    preflight = await fetch(`${issuer}/token`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
  } catch {
    console.warn(`Proofgate does not answer at ${issuer} yet (start it with npm start).`);
    return undefined;
  }
  const authorize = new URL('/authorize', issuer);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: config.redirect_uri,
    response_type: 'code',
    state: 'registration-check',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  const redirect = await fetch(authorize, { redirect: 'manual' });
  if (redirect.status === 400) return `${clientId} has no redirect URI ${config.redirect_uri}`;
  if (preflight.headers.get('access-control-allow-origin') !== origin) {
    return `no client has a redirect URI on ${origin}, so the browser may not call /token from it (CORS)`;
  }
  return undefined;
}

const problem = await registrationProblem();
if (problem) {
  const client = { client_id: 'my-spa', redirect_uris: [config.redirect_uri], first_party: true };
  console.error(
    `SPA example: Proofgate at ${issuer} does not know this page: ${problem}.\n` +
      'Register it, no restart needed (in the checkout: `npm run admin -- clients add ...`, ' +
      'see docs/ADMINISTRATION.md):\n' +
      `  proofgate-admin clients add my-spa --redirect-uri ${config.redirect_uri} --public --first-party\n` +
      `and start this example with SPA_CLIENT_ID=my-spa SPA_PORT=${port}.\n` +
      `Or start Proofgate with OAUTH_CLIENTS='${JSON.stringify([client])}' and this example with ` +
      `SPA_CLIENT_ID=my-spa SPA_PORT=${port}, or run it on SPA_PORT=25002 (demo-spa's).`,
  );
  process.exit(1);
}

server.listen(port, '127.0.0.1', () => {
  console.log(`SPA example on ${origin}/ (client ${clientId}, Proofgate ${issuer})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close());
