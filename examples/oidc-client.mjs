// Sign a user in with OpenID Connect, as a web app's backend does, with panva's openid-client (a
// certified Relying Party library): discovery, authorization code + PKCE (S256) with a redirect to
// this script on 127.0.0.1, the code exchanged with the client's secret, the ID token checked
// (signature, iss, aud, exp), then /userinfo. Prints the ID token's claims and /userinfo's answer.
//
//   node examples/oidc-client.mjs                # prints a URL: open it, sign in as user0 / password0
//   node examples/oidc-client.mjs --port 26230   # its redirect URI on that port (default: any free one)
//   PROOFGATE_URL=http://localhost:25000 node examples/oidc-client.mjs
//
// The client is the seeded demo-client, whose http://127.0.0.1 redirect URI may use any port
// (RFC 8252 §7.3); for a client of your own, change CLIENT below.
import { createServer } from 'node:http';
import * as client from 'openid-client';

const issuer = new URL(process.env.PROOFGATE_URL ?? 'http://localhost:25000');
const CLIENT = { id: 'demo-client', secret: 'demo-secret' };
const portAt = process.argv.indexOf('--port');
const port = portAt < 0 ? 0 : Number(process.argv[portAt + 1]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port needs a port number, got ${process.argv[portAt + 1]}`);
  process.exit(1);
}

let config;
try {
  config = await client.discovery(
    issuer,
    CLIENT.id,
    undefined,
    client.ClientSecretBasic(CLIENT.secret),
    {
      // openid-client speaks https only, as OAuth requires of every endpoint (RFC 6749 §3.1,
      // §3.2). `npm start` serves plain http on localhost, so for an http issuer this example
      // allows it; never pass allowInsecureRequests to a provider reached over a network.
      execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
    },
  );
} catch (error) {
  const unreachable = error.cause?.code;
  console.error(
    unreachable
      ? `No OpenID Provider answers at ${issuer.href} (${unreachable}): start one with \`npm start\`, or set PROOFGATE_URL.`
      : `Discovery at ${issuer.href} failed: ${error.message}`,
  );
  process.exit(1);
}

// The redirect URI: this script, listening on the loopback interface (a free port unless --port).
const server = createServer();
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const redirectUri = `http://127.0.0.1:${server.address().port}/callback`;

const codeVerifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid profile',
  code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
  code_challenge_method: 'S256',
  state,
});
console.log(
  `Open this URL in a browser and sign in (user0 / password0):\n${authorizationUrl.href}\n`,
);

server.on('request', async (req, res) => {
  const currentUrl = new URL(req.url, redirectUri);
  if (currentUrl.pathname !== '/callback') {
    res.writeHead(404).end();
    return;
  }
  try {
    // The code for tokens: state and the ID token checked, the PKCE verifier sent.
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
    });
    const claims = tokens.claims();
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`Signed in as ${claims.sub}.\n`);
    console.log(JSON.stringify({ id_token_claims: claims, userinfo }, null, 2));
    server.close();
  } catch (error) {
    // An error answer of the provider (error and error_description), or a check that failed.
    const message = error.error ? `${error.error}: ${error.error_description}` : error.message;
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`Sign-in failed: ${message}\n`);
    console.error(`Sign-in failed: ${message}`);
    process.exitCode = 1;
    server.close();
  }
});
