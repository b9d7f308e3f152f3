/**
 * `npm run demo:client [-- --port N]`: serves the demo OAuth client on port N (or
 * DEMO_CLIENT_PORT; default 25001) against the Proofgate at PROOFGATE_URL (default
 * http://localhost:25000), as DEMO_CLIENT_ID / DEMO_CLIENT_SECRET (default `demo-client` /
 * `demo-secret`). It serves on http://localhost:N when the client has that redirect URI
 * (`demo-client` on 25001), else on http://127.0.0.1:N (`demo-client` on any other port: RFC 8252
 * §7.3). Stops on Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { startDemoClient } from './server';

/**
 * Before serving: does Proofgate accept this client's redirect URI? It must match one registered
 * exactly (RFC 9700 §4.1.3), but for the port of a loopback IP one of a native client (RFC 8252
 * §7.3); otherwise every login would end on Proofgate's "redirect_uri is not registered" page:
 * say so now, with the fix. Resolves to the problem, or undefined (also when Proofgate does not
 * answer yet).
 */
async function registrationProblem(
  authorizationServer: string,
  clientId: string,
  redirectUri: string,
): Promise<string | undefined> {
  const authorize = new URL('/authorize', authorizationServer);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    state: 'registration-check',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  let answer: Response;
  try {
    answer = await fetch(authorize, { redirect: 'manual' });
  } catch {
    console.warn(
      `Proofgate does not answer at ${authorizationServer} yet (start it with npm start).`,
    );
    return undefined;
  }
  // The 400 page: an unknown client, or a redirect URI it does not have (never a redirect).
  return answer.status === 400 ? `${clientId} has no redirect URI ${redirectUri}` : undefined;
}

/** The port of `demo-client`'s redirect URI on localhost (on 127.0.0.1 any port will do). */
const DEMO_CLIENT_PORT = 25001;
/** Where it may serve: the host of its URL and of its redirect URI, in the order tried. */
const SITE_HOSTS = ['localhost', '127.0.0.1'] as const;
type SiteHost = (typeof SITE_HOSTS)[number];

/** `--port N` (or `--port=N`), else DEMO_CLIENT_PORT, else 25001. */
function chosenPort(argv: readonly string[]): number {
  const at = argv.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  const given = at < 0 ? process.env.DEMO_CLIENT_PORT : (argv[at].split('=')[1] ?? argv[at + 1]);
  const port = Number(given ?? DEMO_CLIENT_PORT);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`--port (or DEMO_CLIENT_PORT) must be a port number, got ${given}`);
  }
  return port;
}

type Site = { siteHost: SiteHost } | { problem: string; redirectUri: string };

/**
 * Where it serves: on localhost when the client has that redirect URI on this port (as the demo
 * client always did), else on 127.0.0.1 when it has that one (a native client such as demo-client
 * may use any port there, RFC 8252 §7.3); else the problem with localhost, to print with the fix.
 */
async function siteFor(authorizationServer: string, clientId: string, port: number): Promise<Site> {
  const [preferred, loopbackIp] = SITE_HOSTS;
  const redirectUri = `http://${preferred}:${port}/callback`;
  const problem = await registrationProblem(authorizationServer, clientId, redirectUri);
  if (problem === undefined) return { siteHost: preferred };
  const onIp = `http://${loopbackIp}:${port}/callback`;
  if ((await registrationProblem(authorizationServer, clientId, onIp)) === undefined) {
    return { siteHost: loopbackIp };
  }
  return { problem, redirectUri };
}

async function main(): Promise<void> {
  const port = chosenPort(process.argv.slice(2));
  const authorizationServer = process.env.PROOFGATE_URL ?? 'http://localhost:25000';
  const clientId = process.env.DEMO_CLIENT_ID ?? 'demo-client';
  const clientSecret = process.env.DEMO_CLIENT_SECRET ?? 'demo-secret';
  const site = await siteFor(authorizationServer, clientId, port);
  if ('problem' in site) {
    const { problem, redirectUri } = site;
    const secret = randomBytes(24).toString('base64url');
    const client = {
      client_id: 'my-demo-client',
      client_secret: secret,
      redirect_uris: [redirectUri],
      first_party: true,
    };
    console.error(
      `demo-client: Proofgate at ${authorizationServer} would refuse every login: ${problem}.\n` +
        'Register it, no restart needed (the command prints its secret; in the checkout: ' +
        '`npm run admin -- clients add ...`, see docs/ADMINISTRATION.md):\n' +
        `  proofgate-admin clients add my-demo-client --redirect-uri ${redirectUri} --first-party\n` +
        `and start this client with DEMO_CLIENT_ID=my-demo-client DEMO_CLIENT_SECRET=<that secret> DEMO_CLIENT_PORT=${port}.\n` +
        `Or start Proofgate with OAUTH_CLIENTS='${JSON.stringify([client])}' and this client with ` +
        `DEMO_CLIENT_ID=my-demo-client DEMO_CLIENT_SECRET=${secret} DEMO_CLIENT_PORT=${port}, ` +
        'or run it on DEMO_CLIENT_PORT=25001 (demo-client’s).',
    );
    process.exit(1);
  }
  // DEMO_CLIENT_API: the protected resource to call (default Proofgate's /api/me); when it asks
  // for a stronger sign-in (RFC 9470), the client authorizes again with its acr_values.
  const api = process.env.DEMO_CLIENT_API;
  const client = await startDemoClient({
    port,
    siteHost: site.siteHost,
    authorizationServer,
    clientId,
    clientSecret,
    ...(api ? { api } : {}),
  });
  console.log(`Demo client on ${client.url} (authorization server ${authorizationServer})`);
  const stop = () => {
    client.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`demo-client: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
