// node-oidc-provider configured like Proofgate's demo deployment, for the benchmark's comparison:
// the confidential client demo-client (client_secret_basic, PKCE S256 required), authorization
// codes, rotating refresh tokens issued with every code exchange, ES256 signatures, and MongoDB
// storage through ./mongo-adapter.mjs. Interactions are the library's own devInteractions (any
// login and password is accepted): the bench drives them over HTTP to mint codes.
//
// The machine client bench-machine (the bench's machine-client phase, bench/lib/machine-client.ts):
// client_credentials only, private_key_jwt with its public key inline, scope `api`, an ES256 JWT
// access token for the API resource (resource indicators, for this client only: demo-client's
// tokens stay as they were), like Proofgate's client_credentials answer.
//
// Environment: PORT, ISSUER, MONGODB_URI (with the database name), AUTH_CODE_TTL_SECONDS,
// MACHINE_CLIENT (the machine client's metadata as JSON; none: no machine client), WORKERS (how
// many `cluster` workers share the port, as Proofgate's WORKERS: the bench's `--workers`; 1, the
// default, serves from this process).
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import { MongoClient } from 'mongodb';
import Provider from 'oidc-provider';
import { serveUntilStopped } from '../lib/serve.mjs';
import { MODELS, createIndexes, mongoAdapter } from './mongo-adapter.mjs';

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER;
const codeTtl = Number(process.env.AUTH_CODE_TTL_SECONDS ?? 60);
const workers = Number(process.env.WORKERS ?? 1);

if (cluster.isPrimary && workers > 1) {
  // The workers sign with one key and read each other's cookies: made here, handed down.
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  serveFromWorkers(workers, {
    SIGNING_JWK: JSON.stringify(await exportJWK(privateKey)),
    COOKIE_KEY: randomBytes(32).toString('base64url'),
  });
} else {
  await serve();
}

/**
 * `count` workers sharing the port, each accepting its own connections (SCHED_NONE, as
 * Proofgate's workers do); `listening <port>` once every one listens; SIGTERM or SIGINT passed on
 * to them, and this process gone when they are.
 */
function serveFromWorkers(count, env) {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  let listening = 0;
  for (let i = 0; i < count; i++) {
    cluster.fork(env).once('listening', () => {
      if (++listening === count) process.stdout.write(`listening ${port}\n`);
    });
  }
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  cluster.on('exit', () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
}

async function serve() {
  const mongo = new MongoClient(process.env.MONGODB_URI);
  await mongo.connect();
  const db = mongo.db();
  await createIndexes(db, MODELS);

  const privateJwk = process.env.SIGNING_JWK
    ? JSON.parse(process.env.SIGNING_JWK)
    : await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
  const signingKey = {
    ...privateJwk,
    alg: 'ES256',
    use: 'sig',
    kid: 'bench-es256',
  };

  const machineClient = process.env.MACHINE_CLIENT
    ? JSON.parse(process.env.MACHINE_CLIENT)
    : undefined;
  // The audience of the machine client's tokens, as Proofgate's ACCESS_TOKEN_AUDIENCE (its /api).
  const apiResource = `${issuer}/api`;

  const provider = new Provider(issuer, {
    adapter: mongoAdapter(db),
    clients: [
      {
        client_id: 'demo-client',
        client_secret: 'demo-secret',
        redirect_uris: ['http://localhost:25001/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
      // The bench's partner (bench/lib/pkce.ts, PARTNER_CLIENT): the browsers' sign-ins, each
      // answered from the grant its person consented to once, as demo-client's are.
      {
        client_id: 'bench-partner',
        client_secret: 'bench-partner-secret-0123456789abcdefghij',
        redirect_uris: ['http://localhost:25001/callback'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
      // Its one signing key is ES256 (the default, RS256, is not configured).
      ...(machineClient
        ? [{ ...machineClient, scope: 'api', id_token_signed_response_alg: 'ES256' }]
        : []),
    ],
    scopes: ['openid', 'offline_access', 'api'],
    jwks: { keys: [signingKey] },
    cookies: { keys: [process.env.COOKIE_KEY ?? randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    // Like Proofgate: every code exchange returns a refresh token, not tied to the login session.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    rotateRefreshToken: true,
    // Accounts are not stored: Proofgate's code exchange does not read the user either.
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    ttl: {
      AccessToken: 900,
      AuthorizationCode: codeTtl,
      IdToken: 900,
      RefreshToken: 30 * 24 * 3600,
      Interaction: 3600,
      Session: 8 * 3600,
      Grant: 30 * 24 * 3600,
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Only the machine client gets a resource by default: demo-client's code exchange asks for
        // none and keeps its opaque access token.
        defaultResource: async (_ctx, client) =>
          client?.clientId === machineClient?.client_id ? apiResource : undefined,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: 'api',
          audience: apiResource,
          accessTokenTTL: 900,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });

  serveUntilStopped(createServer(provider.callback()), port, mongo);
}
