// Serves the SPA example from its own origin: `npm run example:spa`, or `node examples/spa/serve.mjs`.
// PROOFGATE_URL: the issuer (default http://localhost:25000). SPA_PORT: the port on 127.0.0.1
// (default 25002, the port of demo-spa's registered redirect URI). SPA_CLIENT_ID: the public
// client to sign in as (default demo-spa); its redirect URI must be http://127.0.0.1:<SPA_PORT>/callback.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const issuer = new URL(process.env.PROOFGATE_URL ?? 'http://localhost:25000').origin;
const port = Number(process.env.SPA_PORT ?? 25002);
const clientId = process.env.SPA_CLIENT_ID ?? 'demo-spa';
const origin = `http://127.0.0.1:${port}`;

const config = {
  issuer,
  client_id: clientId,
  redirect_uri: `${origin}/callback`,
  scope: 'profile api',
  api: `${issuer}/api/me`,
};

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
  // Scripts from this origin only; fetch to this origin and Proofgate only.
  'content-security-policy': `default-src 'self'; connect-src 'self' ${issuer}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
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

server.listen(port, '127.0.0.1', () => {
  console.log(`SPA example on ${origin}/ (client ${clientId}, Proofgate ${issuer})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close());
