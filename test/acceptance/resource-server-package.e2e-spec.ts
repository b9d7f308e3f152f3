/**
 * Issue #81 item 2, the resource-server package accepted from outside: `npm pack` of the
 * workspace package, a scratch project that installs the tarball (its dependencies from the npm
 * cache, the registry only for what the cache lacks), and a small node:http API of that project
 * guarding its routes with `createResourceServer`, in a process of its own, against a Proofgate
 * started as `npm start` runs it. Written from the issue's "Details clients will rely on" and
 * docs/RESOURCE-SERVERS.md; nothing of src/ or of the package's sources is imported here.
 * Relied on: a good token 200 with its claims; no token 401 `Bearer` with `resource_metadata`;
 * another resource's token 401 `invalid_token`; a missing scope 403 `insufficient_scope` with
 * `scope`; an `acr` too low 401 `insufficient_user_authentication` with `acr_values` and
 * `max_age`; a replayed DPoP proof 401 `invalid_dpop_proof`; a rotated signing key followed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { CookieBrowser, passwordSignIn } from '../support/cookie-browser';
import { dpopKey, signProof, type DpopKey } from '../support/dpop-proof';
import { freePort, type ScriptRun, waitFor } from '../support/processes';
import { authorize } from './people';
import { type ServiceProcess, startServiceProcess } from './service';

const ROOT = join(__dirname, '..', '..');
const PACKAGE = '@proofgate/resource-server';

/** The operator's clients of this spec: the API's web client, and an admin client to rotate keys. */
const NOTES_APP = {
  clientId: 'notes-app',
  secret: randomBytes(24).toString('base64url'),
  redirectUri: 'http://localhost:25009/callback',
};
const ADMIN = { clientId: 'notes-admin', secret: randomBytes(24).toString('base64url') };

/**
 * The scratch project's API, as its README would show it: CommonJS on node:http, the package
 * required by its name. `/api/me` needs a token for the API; `/api/profile` the `profile` scope
 * too; `/api/vault` a passkey sign-in (`phr`) within the last ten minutes. The keys are refetched
 * at the first token naming an unknown `kid` (no cooldown), so a rotation shows at once.
 */
const API_SOURCE = `'use strict';
const { createServer } = require('node:http');
const {
  createResourceServer,
  protectedResourceMetadata,
  resourceMetadataPath,
} = require('${PACKAGE}');

const { ISSUER, RESOURCE, PORT } = process.env;
const check = createResourceServer({ issuer: ISSUER, resource: RESOURCE, jwks: { cooldownMs: 0 } });
const routes = {
  '/api/me': {},
  '/api/profile': { scopes: ['profile'] },
  '/api/vault': { acr: 'phr', maxAge: 600 },
};
const metadata = protectedResourceMetadata({ resource: RESOURCE, authorizationServers: [ISSUER] });

function send(res, status, headers, body) {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

createServer(async (req, res) => {
  const path = (req.url || '/').split('?')[0];
  if (path === resourceMetadataPath(RESOURCE)) return send(res, 200, {}, metadata);
  const route = routes[path];
  if (route === undefined) return send(res, 404, {}, { error: 'not_found' });
  const verdict = await check(req, route);
  if (!verdict.ok) return send(res, verdict.status, verdict.headers, verdict.body);
  const { payload, ...claims } = verdict.claims;
  send(res, 200, verdict.headers, claims);
}).listen(Number(PORT), '127.0.0.1', () => console.log('listening'));
`;

/** `command args` in `cwd`, to its end. */
function run(command: string, args: readonly string[], cwd: string): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectSuccess(step: string, result: ScriptRun): void {
  if (result.code !== 0) throw new Error(`${step} failed (${result.code}):\n${result.stderr}`);
}

type Json = Record<string, unknown>;

describe('@proofgate/resource-server installed from npm pack, in a scratch project', () => {
  let service: ServiceProcess;
  let scratch: string;
  /** What `npm pack --json` says the tarball holds. */
  let packed: { filename: string; files: Array<{ path: string }> };
  let api: ReturnType<typeof spawn>;
  let apiOrigin: string;
  let resource: string;
  let metadataUrl: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'proofgate-rs-scratch-'));
    const apiPort = await freePort();
    resource = `http://127.0.0.1:${apiPort}/api`;
    apiOrigin = `http://127.0.0.1:${apiPort}`;
    metadataUrl = `${apiOrigin}/.well-known/oauth-protected-resource/api`;
    const [started, pack] = await Promise.all([
      startServiceProcess({
        OAUTH_CLIENTS: JSON.stringify([
          {
            client_id: NOTES_APP.clientId,
            client_secret: NOTES_APP.secret,
            redirect_uris: [NOTES_APP.redirectUri],
            first_party: true,
            resources: [resource],
          },
          {
            client_id: ADMIN.clientId,
            client_secret: ADMIN.secret,
            grant_types: ['client_credentials'],
            admin_scopes: ['admin:read', 'admin:write'],
          },
        ]),
        RATE_LIMIT_STORE: 'memory',
        RATE_LIMIT_LOGIN_PER_IP: '100000',
      }),
      // `prepack` builds the package (tsc) before it is packed.
      run(
        'npm',
        ['pack', `--workspace=${PACKAGE}`, `--pack-destination=${scratch}`, '--json'],
        ROOT,
      ),
    ]);
    service = started;
    expectSuccess('npm pack', pack);
    [packed] = JSON.parse(pack.stdout) as Array<typeof packed>;

    // The scratch project: the tarball and, pinned, the jose the repository installed, so the
    // install is the same each run and the npm cache serves it.
    const jose = (JSON.parse(readFileSync(require.resolve('jose/package.json'), 'utf8')) as Json)
      .version as string;
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({
        name: 'scratch-notes-api',
        private: true,
        dependencies: { [PACKAGE]: `file:./${packed.filename}`, jose },
      }),
    );
    writeFileSync(join(scratch, 'api.js'), API_SOURCE);
    expectSuccess(
      'npm install',
      await run(
        'npm',
        ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
        scratch,
      ),
    );

    api = spawn(process.execPath, ['api.js'], {
      cwd: scratch,
      env: {
        PATH: process.env.PATH,
        ISSUER: service.issuer,
        RESOURCE: resource,
        PORT: String(apiPort),
      },
      stdio: 'ignore',
    });
    const up = await waitFor(
      async () => (await fetch(metadataUrl).catch(() => undefined))?.status,
      (status) => status === 200,
      30_000,
    );
    expect(up).toBe(200);
  }, 240_000);

  afterAll(async () => {
    api?.kill('SIGTERM');
    await service?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 30_000);

  /** A code-flow token of the notes app for user1 (a password sign-in), bound to `key` if given. */
  async function tokenFor(
    options: { resource?: string; scope?: string; key?: DpopKey } = {},
  ): Promise<string> {
    const { issuer } = service;
    const browser = new CookieBrowser();
    await passwordSignIn(browser, issuer);
    // demo-client's code flow (people.ts), as the notes app: its id and redirect URI override.
    const { status, location, verifier } = await authorize(
      issuer,
      browser,
      options.scope ?? 'openid profile',
      {
        client_id: NOTES_APP.clientId,
        redirect_uri: NOTES_APP.redirectUri,
        ...(options.resource === undefined ? {} : { resource: options.resource }),
      },
    );
    const code = location.searchParams.get('code');
    expect({ status, code: typeof code }).toEqual({
      status: 302,
      code: 'string',
    });
    const tokens = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${NOTES_APP.clientId}:${NOTES_APP.secret}`).toString('base64')}`,
        ...(options.key
          ? { dpop: await signProof(options.key, { htm: 'POST', htu: `${issuer}/token` }) }
          : {}),
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: NOTES_APP.redirectUri,
        code_verifier: verifier,
      }),
    });
    const body = (await tokens.json()) as Json;
    expect({ status: tokens.status, token_type: body.token_type }).toEqual({
      status: 200,
      token_type: options.key ? 'DPoP' : 'Bearer',
    });
    return body.access_token as string;
  }

  const apiToken = () => tokenFor({ resource });

  async function call(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${apiOrigin}${path}`, { headers });
    return {
      status: res.status,
      challenge: res.headers.get('www-authenticate'),
      body: (await res.json()) as Json,
    };
  }

  it('is packed as built JavaScript with its types and README, without sources or specs', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/nest.js',
        'dist/nest.d.ts',
      ]),
    );
    expect(paths.filter((path) => path.startsWith('src/') || /\.spec\./.test(path))).toEqual([]);
  });

  it('admits a token for the API and hands the handler its claims', async () => {
    const res = await call('/api/me', { authorization: `Bearer ${await apiToken()}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      iss: service.issuer,
      aud: resource,
      sub: 'user1',
      client_id: NOTES_APP.clientId,
      scope: 'openid profile',
      scopes: ['openid', 'profile'],
      auth_method: 'password',
      acr: 'urn:proofgate:acr:1fa',
    });
  });

  it('answers no token with a bare Bearer challenge naming the RFC 9728 metadata, which names Proofgate', async () => {
    const res = await call('/api/me');
    expect(res.status).toBe(401);
    expect(res.challenge).toBe(`Bearer resource_metadata="${metadataUrl}"`);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'A bearer access token is required',
    });
    const metadata = (await (await fetch(metadataUrl)).json()) as Json;
    expect(metadata).toMatchObject({ resource, authorization_servers: [service.issuer] });
  });

  it("refuses a token for another resource (Proofgate's own API): 401 invalid_token", async () => {
    const res = await call('/api/me', { authorization: `Bearer ${await tokenFor()}` });
    expect(res.status).toBe(401);
    expect(res.challenge).toBe(
      'Bearer error="invalid_token", error_description="The access token is for another resource", ' +
        `resource_metadata="${metadataUrl}"`,
    );
    expect(res.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token is for another resource',
    });
  });

  it('answers a missing scope 403 insufficient_scope naming the scope', async () => {
    const token = await tokenFor({ resource, scope: 'openid' });
    expect((await call('/api/me', { authorization: `Bearer ${token}` })).status).toBe(200);
    const res = await call('/api/profile', { authorization: `Bearer ${token}` });
    expect(res.status).toBe(403);
    expect(res.challenge).toBe(
      'Bearer error="insufficient_scope", error_description="The access token lacks the scope profile", ' +
        `scope="profile", resource_metadata="${metadataUrl}"`,
    );
    expect(res.body.error).toBe('insufficient_scope');
  });

  it("answers a password sign-in's token where a passkey's is needed with the RFC 9470 challenge", async () => {
    const res = await call('/api/vault', { authorization: `Bearer ${await apiToken()}` });
    expect(res.status).toBe(401);
    const description =
      'This resource needs a sign-in of acr phr; authorize again with acr_values=phr';
    expect(res.challenge).toBe(
      `Bearer error="insufficient_user_authentication", error_description="${description}", ` +
        `acr_values="phr", max_age="600", resource_metadata="${metadataUrl}"`,
    );
    expect(res.body).toEqual({
      error: 'insufficient_user_authentication',
      error_description: description,
    });
  });

  it('admits a DPoP-bound token with a proof once, and refuses the same proof again: invalid_dpop_proof', async () => {
    const key = await dpopKey();
    const token = await tokenFor({ resource, key });
    const proof = await signProof(key, {
      htm: 'GET',
      htu: `${apiOrigin}/api/me`,
      accessToken: token,
    });
    const headers = { authorization: `DPoP ${token}`, dpop: proof };
    const first = await call('/api/me', headers);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ sub: 'user1', cnf: { jkt: key.jkt } });

    const replayed = await call('/api/me', headers);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'The DPoP proof was already used (jti replay)',
    });
    expect(replayed.challenge).toMatch(/^DPoP error="invalid_dpop_proof", /);
    expect(replayed.challenge).toContain('algs="');

    // The bound token without its proof is worth nothing (RFC 9449 §7.2).
    const bare = await call('/api/me', { authorization: `Bearer ${token}` });
    expect(bare.status).toBe(401);
    expect(bare.body.error).toBe('invalid_token');
  });

  it("follows a rotation of Proofgate's signing key, and still admits the old key's tokens", async () => {
    const before = await apiToken();
    expect((await call('/api/me', { authorization: `Bearer ${before}` })).status).toBe(200);

    // The admin API's rotation "now" (docs/ADMINISTRATION.md): the service signs with a new key.
    const grant = await fetch(`${service.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ADMIN.clientId}:${ADMIN.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'admin:write' }),
    });
    expect(grant.status).toBe(200);
    const adminToken = ((await grant.json()) as Json).access_token as string;
    const rotated = await fetch(`${service.issuer}/admin/v1/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ now: true }),
    });
    expect(rotated.status).toBe(200);

    const after = await apiToken();
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    expect((await call('/api/me', { authorization: `Bearer ${after}` })).status).toBe(200);
    // The retired key keeps verifying until its last tokens have expired.
    expect((await call('/api/me', { authorization: `Bearer ${before}` })).status).toBe(200);
  });
});
