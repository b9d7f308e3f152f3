// A real OpenID provider (node-oidc-provider) on loopback, for the upstream sign-in specs: run as a
// child process (the library is ESM with its own dependency tree; Jest runs CommonJS), saying
// `listening <port>` once it accepts connections, stopped by SIGTERM.
//
// Its interactions are completed over HTTP by the spec acting as the user's browser:
//   GET  /interaction/:uid        -> 200 { uid, prompt, client_id }
//   POST /interaction/:uid/login  -> form `login` (an account of ACCOUNTS), `amr`, `acr` (optional,
//                                    space-separated): signs in and consents, 303 on to the flow
//   POST /interaction/:uid/abort  -> the user cancelled: the flow ends with error=access_denied
//
// Its one argument is JSON: { port, issuer (http://localhost:<port>), clients (client metadata),
// accounts (account id -> its claims beside `sub`), idTokenTtlSeconds }.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const { port, issuer, clients, accounts, idTokenTtlSeconds } = JSON.parse(process.argv[2]);

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = {
  ...(await exportJWK(privateKey)),
  alg: 'RS256',
  use: 'sig',
  kid: 'test-rs256',
};

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'email', 'profile'],
  claims: {
    // The sign-in's own acr and amr in every ID token: a provider that claims phishing resistance.
    openid: ['sub', 'acr', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  acrValues: ['phr', 'urn:example:1fa'],
  findAccount: (_ctx, id) =>
    accounts[id] === undefined
      ? undefined
      : { accountId: id, claims: () => ({ sub: id, ...accounts[id] }) },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false } },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 600,
    IdToken: idTokenTtlSeconds,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
});
// The loopback issuer is plain http: cookies without Secure.
provider.proxy = false;

/** The form fields of a POST body. */
async function formOf(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const words = (value) => (value ? value.split(' ').filter(Boolean) : undefined);

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"other interaction"}');
    return;
  }
  if (action === undefined) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ uid, prompt: details.prompt.name, client_id: details.params.client_id }),
    );
    return;
  }
  if (action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
    });
    return;
  }
  const form = await formOf(req);
  const accountId = form.get('login');
  if (!accountId || accounts[accountId] === undefined) {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"unknown login"}');
    return;
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const amr = words(form.get('amr'));
  const acr = form.get('acr') || undefined;
  await provider.interactionFinished(req, res, {
    login: { accountId, ...(amr ? { amr } : {}), ...(acr ? { acr } : {}) },
    consent: { grantId },
  });
}

const callback = provider.callback();
const server = createServer((req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login|abort))?$/.exec(req.url.split('?')[0]);
  if (!match) return callback(req, res);
  interaction(req, res, match[1], match[2]).catch((error) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: String(error?.message ?? error) }));
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
const stop = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
