/**
 * `proofgate-admin` as operators run it, on the same database as a running service (in-process
 * here, over real HTTP). What it creates must work at the service's endpoints, and what it revokes
 * must stop working there; an independent OAuth client library (oauth4webapi) drives the flows.
 *
 * What only a process shows (the bin launcher and the compiled dist/, exit codes, the
 * environment, a real stdin pipe, the secret printed once) runs the built CLI as a process of its
 * own (`adminProcess`); the commands' behaviour runs it in-process (`admin`, through
 * test/support/admin-cli.ts: the same runAdminCli, without ~2 s of process start per command).
 */
import { spawn } from 'node:child_process';
import { MIGRATIONS } from '../../../src/migrations/migrations';
import { SERVICE_VERSION } from '../../../src/platform/version';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  SignJWT,
  createRemoteJWKSet,
  UnsecuredJWT,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import * as oauth from 'oauth4webapi';
import request from 'supertest';
import {
  ACTIVE_KEY_RECHECK_SECONDS,
  NEXT_KEY_PUBLISH_SECONDS,
} from '../../../src/tokens/signing-keys/signing-key.service';
import { adminCli } from '../../support/admin-cli';
import { sharedBuild } from '../../support/build';
import { basic, login, type Agent, getMe } from '../../support/oauth';
import { TestApp, startListeningApp } from '../../support/test-app';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { expectRefusal } from '../../support/refusal';
import { type ScriptRun, runToEnd } from '../../support/processes';

/** The client registry cache of the service (CLIENT_CACHE_TTL_SECONDS, default 10 s). */
const CLIENT_CACHE_SECONDS = 10;

const ROOT = join(__dirname, '..', '..', '..');
const LAUNCHER = join(ROOT, 'bin', 'proofgate-admin');
let DIST = '';

type Json = Record<string, unknown>;

type CliRun = ScriptRun;

/** One `proofgate-admin` process on this file's test database; `stdin` is piped, then closed. */
function adminProcess(
  args: string[],
  { stdin = '', env = {} }: { stdin?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    cwd: ROOT,
    env: { ...process.env, PROOFGATE_DIST_DIR: DIST, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const run = runToEnd(child);
  child.stdin.end(stdin);
  return run;
}

interface ClientUnderTest {
  id: string;
  secret?: string;
  redirectUri: string;
}

describe('proofgate-admin (the built CLI, against the service on the same database)', () => {
  jest.setTimeout(300_000);
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  /** The JWKS files the tests hand `--jwks-file`, in a folder of this file's, removed at its end. */
  let keys: string | undefined;
  const keysDir = () => (keys ??= mkdtempSync(join(tmpdir(), 'proofgate-admin-cli-')));

  beforeAll(async () => {
    const [app, built] = await Promise.all([startListeningApp(), sharedBuild()]);
    DIST = built;
    ({ t, issuer } = app);
    as = await discover(issuer);
  });
  afterAll(async () => {
    await t?.close();
    if (keys) rmSync(keys, { recursive: true, force: true });
  });

  /** `proofgate-admin` in-process, on the service's database and clock. */
  const admin = (args: string[], { stdin }: { stdin?: string } = {}): Promise<CliRun> =>
    adminCli(t, args, { stdin });

  /** Runs a command that must succeed with --json, and returns its parsed answer. */
  async function adminJson<T = Json>(args: string[], stdin?: string): Promise<T> {
    const run = await admin([...args, '--json'], { stdin });
    if (run.code !== 0) throw new Error(`${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  }

  const agent = (): Agent => request.agent(t.app.getHttpServer());
  const clientAuth = (client: ClientUnderTest) =>
    client.secret === undefined ? oauth.None() : oauth.ClientSecretBasic(client.secret);

  /** Authorization code + PKCE, the browser part through the real /login form. */
  async function signIn(
    browser: Agent,
    client: ClientUnderTest,
    extra: Record<string, string> = {},
  ): Promise<oauth.TokenEndpointResponse> {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.id,
      redirect_uri: client.redirectUri,
      scope: 'profile api',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...extra,
    });
    const authorized = await browser.get(`/authorize?${query.toString()}`).expect(302);
    const callback = new URL(authorized.headers.location);
    const params = oauth.validateAuthResponse(as, { client_id: client.id }, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      { client_id: client.id },
      clientAuth(client),
      params,
      client.redirectUri,
      verifier,
      INSECURE,
    );
    return oauth.processAuthorizationCodeResponse(as, { client_id: client.id }, response);
  }

  async function loggedIn(username: string, password: string): Promise<Agent> {
    const browser = agent();
    await login(browser, '/', username, password);
    return browser;
  }

  const me = (accessToken: string) => getMe(t, accessToken);

  function refresh(client: ClientUnderTest, refreshToken: string) {
    const req = t.http().post('/token').type('form');
    const form: Record<string, string> = {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    };
    if (client.secret !== undefined) req.set('Authorization', basic(client.id, client.secret));
    else form.client_id = client.id;
    return req.send(form);
  }

  async function passwordLoginStatus(username: string, password: string): Promise<number> {
    const browser = agent();
    const page = await browser.get('/login').expect(200);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
    const res = await browser
      .post('/login')
      .type('form')
      .send({ username, password, csrf_token: csrf, return_to: '/' });
    return res.status;
  }

  /** First-party, so `signIn` gets its code without a consent step (oauth-consent covers that). */
  async function addClient(id: string, options: string[] = []): Promise<ClientUnderTest> {
    const redirectUri = `http://127.0.0.1:7001/${id}/callback`;
    const added = await adminJson([
      'clients',
      'add',
      id,
      '--redirect-uri',
      redirectUri,
      '--first-party',
      ...options,
    ]);
    return {
      id,
      redirectUri,
      ...(added.client_secret !== undefined ? { secret: added.client_secret as string } : {}),
    };
  }

  describe('command line and configuration errors', () => {
    it('refuses a password given as an argument (usage, exit 2) and creates nothing', async () => {
      const run = await adminProcess(['users', 'add', 'mallory', 'hunter2hunter2'], {
        stdin: 'correct horse battery\n',
      });

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('passwords are never read from the command line');
      expect(run.stderr).not.toContain('hunter2');
      expect(run.stdout).toBe('');
      const options = await adminProcess([
        'users',
        'set-password',
        'user0',
        '--password=hunter2hunter2',
      ]);
      expect(options.code).toBe(2);
      expect(await passwordLoginStatus('user0', 'password0')).toBe(303);
      const users = await adminJson<{ username: string }[]>(['users', 'list']);
      expect(users.map((user) => user.username)).not.toContain('mallory');
    });

    it('needs MONGODB_URI, and says so in one line (exit 1)', async () => {
      const run = await adminProcess(['users', 'list'], { env: { MONGODB_URI: undefined } });

      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        "proofgate-admin: invalid configuration: MONGODB_URI is required: the connection string of the service's MongoDB (in a checkout, `npm run admin -- <command>` uses the running `npm start`'s)\n",
      );
      expect(run.stdout).toBe('');
    });

    it('reports an unreachable database in one line, without a stack trace', async () => {
      const run = await adminProcess(['users', 'list'], {
        env: {
          MONGODB_URI: 'mongodb://127.0.0.1:1/proofgate_test_unreachable',
          MONGODB_SERVER_SELECTION_TIMEOUT_MS: '500',
        },
      });

      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^proofgate-admin: cannot reach MongoDB: .+\n$/);
      expect(run.stderr.split('\n')).toHaveLength(2);
    });

    it('refuses a database a later release migrated before it loads or writes anything (exit 1, one line); migrations status still says where it stands', async () => {
      // The test app's database has no data version of its own (only a start records one).
      const versions = t.connection.db!.collection<{
        _id: string;
        version: number;
        since: number;
        createdAt: Date;
        migrations: [];
      }>('data_version');
      expect(await versions.findOne({ _id: 'proofgate' })).toBeNull();
      const build = MIGRATIONS.length;
      await versions.insertOne({
        _id: 'proofgate',
        version: build + 1,
        since: 0,
        createdAt: new Date(),
        migrations: [],
      });
      try {
        const clientsBefore = await t.connection.db!.collection('clients').countDocuments();
        const run = await adminProcess([
          'clients',
          'add',
          'from-an-old-cli',
          '--public',
          '--redirect-uri',
          'http://127.0.0.1:7003/cb',
        ]);
        expect(run.code).toBe(1);
        expect(run.stderr).toBe(
          `proofgate-admin: The database's data version is ${build + 1}, newer than this build's ${build} (Proofgate ${SERVICE_VERSION}): a later release has migrated it. Use that release's proofgate-admin; this one changes nothing on a database it cannot read (migrations status says where it stands).\n`,
        );
        expect(await t.connection.db!.collection('clients').countDocuments()).toBe(clientsBefore);
        const status = await adminProcess(['migrations', 'status']);
        expect(status.code).toBe(0);
        expect(status.stdout).toMatch(/newer than this build/);
      } finally {
        await versions.deleteOne({ _id: 'proofgate' });
      }
    });
  });

  describe("the service's own registrations", () => {
    it("leaves the admin console's client as the service registered it, whatever the CLI's ISSUER or ADMIN_CONSOLE", async () => {
      const clients = t.connection.db!.collection('oauth_clients');
      const registered = await clients.findOne({ _id: 'proofgate-console' as never });
      expect(registered?.redirectUris).toEqual([`${t.config.server.issuer}/admin/`]);

      // The service was started on another PORT than the shell running the CLI knows of: the
      // CLI's ISSUER defaults to another origin. Nor may its ADMIN_CONSOLE remove the client.
      for (const env of [{ ISSUER: 'http://localhost:25999' }, { ADMIN_CONSOLE: 'false' }]) {
        const run = await adminProcess(['users', 'list'], { env });
        expect(run).toMatchObject({ code: 0, stderr: '' });
        expect(await clients.findOne({ _id: 'proofgate-console' as never })).toEqual(registered);
      }
    });
  });

  describe('a user and a client created with the CLI', () => {
    const password = 'correct horse battery';
    let client: ClientUnderTest;
    let addOutput: CliRun;

    beforeAll(async () => {
      const user = await adminProcess(['users', 'add', 'alice'], { stdin: `${password}\n` });
      expect(user).toMatchObject({ code: 0, stdout: 'Created user alice.\n' });
      const redirectUri = 'http://127.0.0.1:7001/billing/callback';
      addOutput = await adminProcess([
        'clients',
        'add',
        'billing',
        '--redirect-uri',
        redirectUri,
        '--name',
        'Billing',
        '--first-party',
        '--json',
      ]);
      expect(addOutput.code).toBe(0);
      const added = JSON.parse(addOutput.stdout);
      client = { id: 'billing', secret: added.client_secret, redirectUri };
    });

    it('puts both writes on the audit trail (issue #77): cli and the OS user, never the password or the secret', async () => {
      const records = await t.connection
        .collection('admin_audit')
        .find({ actorKind: 'cli' })
        .sort({ _id: 1 })
        .toArray();
      expect(
        records.map((record): unknown[] => [record.action, record.targets, record.outcome]),
      ).toEqual(
        expect.arrayContaining([
          ['users.create', { username: 'alice' }, 'done'],
          ['clients.create', { client_id: 'billing' }, 'done'],
        ]),
      );
      expect(
        records.every((record) => typeof record.actor === 'string' && record.actor !== ''),
      ).toBe(true);
      const text = JSON.stringify(records);
      expect(text).not.toContain(password);
      expect(text).not.toContain(client.secret);
    });

    it('prints the generated secret once, as JSON with the client metadata', () => {
      expect(JSON.parse(addOutput.stdout)).toEqual({
        client_id: 'billing',
        client_name: 'Billing',
        client_type: 'confidential',
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [client.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        first_party: true,
        require_pkce: true,
        source: 'database',
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      expect(addOutput.stdout.split(client.secret!)).toHaveLength(2);
    });

    it('stores only hashes, and never shows the secret again', async () => {
      const stored = await t.connection
        .collection('oauth_clients')
        .findOne({ _id: 'billing' as never });
      expect(stored?.secretHash).toMatch(/^scrypt\$/);
      expect(JSON.stringify(stored)).not.toContain(client.secret);
      const user = await t.connection.collection('users').findOne({ _id: 'alice' as never });
      expect(user?.passwordHash).toMatch(/^scrypt\$/);
      expect(JSON.stringify(user)).not.toContain(password);

      for (const args of [
        ['clients', 'show', 'billing'],
        ['clients', 'list'],
        ['clients', 'list', '--json'],
      ]) {
        const run = await admin(args);
        expect(run.code).toBe(0);
        expect(run.stdout).toContain('billing');
        expect(run.stdout).not.toContain(client.secret);
      }
      const shown = await adminJson(['clients', 'show', 'billing']);
      expect(shown).not.toHaveProperty('client_secret');
    });

    it('complete an authorization code + PKCE flow, and the token is theirs at /api/me', async () => {
      const tokens = await signIn(await loggedIn('alice', password), client);

      expect(tokens.token_type).toBe('bearer');
      const res = await me(tokens.access_token).expect(200);
      expect(res.body).toMatchObject({
        sub: 'alice',
        client_id: 'billing',
        auth_method: 'password',
      });
      await refresh(client, tokens.refresh_token!).expect(200);
    });

    it('a public client (--public) gets no secret and uses PKCE alone', async () => {
      const run = await admin([
        'clients',
        'add',
        'cli-spa',
        '--public',
        '--first-party',
        '--redirect-uri',
        'http://127.0.0.1:7002/callback',
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Registered public client cli-spa\./);
      expect(run.stdout).not.toContain('client_secret');

      const spa = { id: 'cli-spa', redirectUri: 'http://127.0.0.1:7002/callback' };
      const tokens = await signIn(await loggedIn('alice', password), spa);
      await me(tokens.access_token).expect(200);
    });

    it('--no-require-pkce: a confidential OpenID Connect client signs users in without PKCE; never a public one', async () => {
      const rp = await addClient('cli-legacy-rp', ['--no-require-pkce']);
      expect(await adminJson(['clients', 'show', rp.id])).toMatchObject({
        client_type: 'confidential',
        require_pkce: false,
      });
      expect((await admin(['clients', 'show', rp.id])).stdout).toMatch(
        /PKCE:\s+optional for OpenID Connect requests \(nonce instead\)\n/,
      );
      expect((await admin(['clients', 'show', 'billing'])).stdout).toMatch(/PKCE:\s+required\n/);

      const query = new URLSearchParams({
        response_type: 'code',
        client_id: rp.id,
        redirect_uri: rp.redirectUri,
        scope: 'openid',
        state: 'st-legacy',
        nonce: 'n-legacy',
      });
      const authorized = await (
        await loggedIn('alice', password)
      )
        .get(`/authorize?${query.toString()}`)
        .expect(302);
      const code = new URL(authorized.headers.location).searchParams.get('code');
      expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const tokens = await t
        .http()
        .post('/token')
        .type('form')
        .set('Authorization', basic(rp.id, rp.secret!))
        .send({ grant_type: 'authorization_code', code, redirect_uri: rp.redirectUri })
        .expect(200);
      expect(decodeJwt(tokens.body.id_token as string)).toMatchObject({
        aud: rp.id,
        nonce: 'n-legacy',
      });

      const publicOptOut = await admin([
        'clients',
        'add',
        'cli-public-no-pkce',
        '--public',
        '--no-require-pkce',
        '--redirect-uri',
        'http://127.0.0.1:7005/callback',
      ]);
      expect(publicOptOut).toMatchObject({
        code: 1,
        stderr:
          'proofgate-admin: require_pkce may be false only for a confidential client: a public client always uses PKCE\n',
      });
    });

    it('--id-token-signed-response-alg: its ID tokens carry that alg, by the key the JWKS publishes for it', async () => {
      const rp = await addClient('cli-rs256-rp', ['--id-token-signed-response-alg', 'RS256']);
      expect(await adminJson(['clients', 'show', rp.id])).toMatchObject({
        id_token_signed_response_alg: 'RS256',
      });
      expect((await admin(['clients', 'show', rp.id])).stdout).toMatch(
        /ID tokens:\s+signed with RS256\n/,
      );
      // A client without one: TOKEN_SIGNING_ALG's, not shown as a setting of its own.
      expect(await adminJson(['clients', 'show', 'billing'])).not.toHaveProperty(
        'id_token_signed_response_alg',
      );

      // oauth4webapi checks the ID token's alg too: RS256 unless told otherwise.
      const tokens = await signIn(await loggedIn('alice', password), rp, { scope: 'openid' });
      const { protectedHeader } = await jwtVerify(
        tokens.id_token!,
        createRemoteJWKSet(new URL(`${issuer}/jwks.json`)),
        { issuer, audience: rp.id, algorithms: ['RS256'], currentDate: t.clock.now() },
      );
      expect(protectedHeader.alg).toBe('RS256');
      expect(decodeProtectedHeader(tokens.access_token).alg).toBe('ES256');

      const refused = await admin([
        'clients',
        'add',
        'cli-hs256-rp',
        '--redirect-uri',
        'http://127.0.0.1:7001/cli-hs256-rp/callback',
        '--id-token-signed-response-alg',
        'HS256',
      ]);
      expect(refused).toMatchObject({
        code: 1,
        stderr: 'proofgate-admin: id_token_signed_response_alg must be one of ES256, RS256\n',
      });
    });

    it('--request-object-signing-alg and --require-signed-request-object: a signed request object signs the user in, an unsigned one and a plain request are refused', async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      const jwksFile = join(keysDir(), 'jar.jwks.json');
      writeFileSync(
        jwksFile,
        JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'jar-1' }] }),
      );
      const withKeys = ['--token-endpoint-auth-method', 'private_key_jwt', '--jwks-file', jwksFile];
      const rp = await addClient('cli-jar-rp', [
        ...withKeys,
        '--request-object-signing-alg',
        'ES256',
        '--require-signed-request-object',
      ]);
      const metadata = {
        client_id: rp.id,
        token_endpoint_auth_method: 'private_key_jwt',
        request_object_signing_alg: 'ES256',
        require_signed_request_object: true,
      };
      expect(await adminJson(['clients', 'show', rp.id])).toMatchObject(metadata);
      expect(
        (await adminJson<Json[]>(['clients', 'list'])).find((c) => c.client_id === rp.id),
      ).toMatchObject(metadata);
      expect((await admin(['clients', 'show', rp.id])).stdout).toMatch(
        /request objects:\s+required for every authorization request, signed with ES256\n/,
      );
      // A client without them shows neither.
      expect(await adminJson(['clients', 'show', 'billing'])).not.toHaveProperty(
        'request_object_signing_alg',
      );
      expect((await admin(['clients', 'show', 'billing'])).stdout).not.toContain('request objects');

      const browser = await loggedIn('alice', password);
      const authorize = (query: Record<string, string>) =>
        browser
          .get(`/authorize?${new URLSearchParams(query).toString()}`)
          .set('Accept', 'application/json');
      const verifier = oauth.generateRandomCodeVerifier();
      const now = t.clock.nowSeconds();
      const claims: JWTPayload = {
        iss: rp.id,
        aud: issuer,
        client_id: rp.id,
        response_type: 'code',
        redirect_uri: rp.redirectUri,
        scope: 'profile api',
        state: oauth.generateRandomState(),
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        iat: now,
        nbf: now,
        exp: now + 300,
      };
      const signed = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'jar-1', typ: 'oauth-authz-req+jwt' })
        .sign(privateKey);
      const accepted = await authorize({ client_id: rp.id, request: signed }).expect(302);
      const params = oauth.validateAuthResponse(
        as,
        { client_id: rp.id },
        new URL(accepted.headers.location),
        claims.state as string,
      );
      const tokens = await oauth.processAuthorizationCodeResponse(
        as,
        { client_id: rp.id },
        await oauth.authorizationCodeGrantRequest(
          as,
          { client_id: rp.id },
          oauth.PrivateKeyJwt({ key: privateKey, kid: 'jar-1' }),
          params,
          rp.redirectUri,
          verifier,
          INSECURE,
        ),
      );
      await me(tokens.access_token).expect(200);

      const unsigned = await authorize({
        client_id: rp.id,
        request: new UnsecuredJWT(claims).encode(),
      });
      expect({ status: unsigned.status, body: unsigned.body as unknown }).toEqual({
        status: 400,
        body: {
          error: 'invalid_request_object',
          error_description:
            "request must be signed with ES256, the client's request_object_signing_alg",
        },
      });
      const plain = await authorize(
        Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, String(value)])),
      );
      expect({ status: plain.status, body: plain.body as unknown }).toEqual({
        status: 400,
        body: {
          error: 'invalid_request',
          error_description:
            'This client must send its authorization requests as signed request objects (request): its require_signed_request_object',
        },
      });

      // What OAUTH_CLIENTS and POST /register refuse, in their words (protocol-rules/request-object.ts).
      const hs256 = await admin([
        'clients',
        'add',
        'cli-jar-hs256',
        '--redirect-uri',
        'http://127.0.0.1:7006/callback',
        ...withKeys,
        '--request-object-signing-alg',
        'HS256',
      ]);
      expect(hs256).toMatchObject({
        code: 1,
        stderr:
          'proofgate-admin: request_object_signing_alg must be one of ES256, PS256, RS256, EdDSA (unsigned request objects need no registration)\n',
      });
      const withSecret = await admin([
        'clients',
        'add',
        'cli-jar-secret',
        '--redirect-uri',
        'http://127.0.0.1:7006/callback',
        '--require-signed-request-object',
      ]);
      expect(withSecret).toMatchObject({
        code: 1,
        stderr:
          'proofgate-admin: require_signed_request_object needs the client\'s public keys (token_endpoint_auth_method "private_key_jwt" with jwks or jwks_uri): a request object is verified with them, never with a client secret, of which only a hash is kept\n',
      });
      const notBoolean = await admin([
        'clients',
        'add',
        'cli-jar-yes',
        '--redirect-uri',
        'http://127.0.0.1:7006/callback',
        ...withKeys,
        '--require-signed-request-object=yes',
      ]);
      expect(notBoolean.code).toBe(2);
      expect(notBoolean.stderr).toContain('--require-signed-request-object');
      for (const id of ['cli-jar-hs256', 'cli-jar-secret', 'cli-jar-yes']) {
        expect((await admin(['clients', 'show', id])).code).toBe(1);
      }
    });

    it('--resource and --grant-type: tokens for that resource only, and no refresh token', async () => {
      const resource = 'https://mcp.example.com/mcp';
      const agent = { id: 'cli-agent', redirectUri: 'http://127.0.0.1:7003/callback' };
      const added = await adminJson([
        'clients',
        'add',
        agent.id,
        '--public',
        '--first-party',
        '--redirect-uri',
        agent.redirectUri,
        '--resource',
        resource,
        '--grant-type',
        'authorization_code',
      ]);
      expect(added).toMatchObject({
        token_endpoint_auth_method: 'none',
        resources: [resource],
        grant_types: ['authorization_code'],
      });
      expect(await adminJson(['clients', 'show', agent.id])).toMatchObject({
        resources: [resource],
        grant_types: ['authorization_code'],
      });

      const browser = await loggedIn('alice', password);
      const tokens = await signIn(browser, agent, { resource });
      expect(decodeJwt(tokens.access_token).aud).toBe(resource);
      // RFC 6749 §1.5: not registered for refresh_token, so none is issued.
      expect(tokens.refresh_token).toBeUndefined();

      const other = new URLSearchParams({
        response_type: 'code',
        client_id: agent.id,
        redirect_uri: agent.redirectUri,
        scope: 'profile api',
        state: 'x'.repeat(16),
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        resource: 'https://other.example.com/api',
      });
      const refused = await browser.get(`/authorize?${other.toString()}`).expect(302);
      expect(new URL(refused.headers.location).searchParams.get('error')).toBe('invalid_target');

      const noCode = await admin([
        'clients',
        'add',
        'cli-refresh-only',
        '--redirect-uri',
        'http://127.0.0.1:7004/callback',
        '--grant-type',
        'refresh_token',
      ]);
      expect(noCode).toMatchObject({
        code: 1,
        stderr:
          'proofgate-admin: grant_types with refresh_token must include a grant that issues refresh tokens (authorization_code, urn:ietf:params:oauth:grant-type:device_code, urn:openid:params:grant-type:ciba)\n',
      });
      const fragment = await admin([
        'clients',
        'add',
        'cli-bad-resource',
        '--redirect-uri',
        'http://127.0.0.1:7004/callback',
        '--resource',
        'https://mcp.example.com/mcp#f',
      ]);
      expect(fragment.code).toBe(1);
      expect(fragment.stderr).toMatch(/^proofgate-admin: resources .*fragment/);
    });

    it('refuses what configured clients would refuse, and a taken client_id', async () => {
      const fragment = await admin([
        'clients',
        'add',
        'frag',
        '--redirect-uri',
        'https://x.example/cb#f',
      ]);
      expect(fragment).toMatchObject({
        code: 1,
        stderr:
          'proofgate-admin: redirect_uris must not contain a fragment, got "https://x.example/cb#…"\n',
      });
      const relative = await admin(['clients', 'add', 'rel', '--redirect-uri', '/callback']);
      expect(relative.code).toBe(1);
      const badId = await admin([
        'clients',
        'add',
        'bad id',
        '--redirect-uri',
        'https://x.example/cb',
      ]);
      expect(badId.stderr).toBe(
        'proofgate-admin: client_id must be 1-64 characters of [A-Za-z0-9._-]\n',
      );
      const taken = await admin([
        'clients',
        'add',
        'billing',
        '--redirect-uri',
        'https://x.example/cb',
      ]);
      expect(taken).toMatchObject({
        code: 1,
        stderr: 'proofgate-admin: client billing already exists\n',
      });
      const wallet = await admin(['clients', 'remove', 'wallet']);
      expect(wallet.code).toBe(1);
      expect(wallet.stderr).toMatch(/client wallet is built in/);
    });

    it('rotate-secret (no --overlap): the new secret works and the old one no longer does', async () => {
      const rotated = await adminJson(['clients', 'rotate-secret', 'billing']);
      const fresh = { ...client, secret: rotated.client_secret as string };
      expect(fresh.secret).not.toBe(client.secret);
      // Instances see a change made elsewhere within CLIENT_CACHE_TTL_SECONDS (README).
      t.clock.advance(CLIENT_CACHE_SECONDS + 1);

      const old = await refresh(client, 'A'.repeat(22) + '.' + 'B'.repeat(43)).expect(401);
      expect(old.body.error).toBe('invalid_client');
      const tokens = await signIn(await loggedIn('alice', password), fresh);
      await me(tokens.access_token).expect(200);
      client = fresh;
    });
  });

  describe('grants', () => {
    const password = 'grants password 1';
    let client: ClientUnderTest;

    beforeAll(async () => {
      await adminJson(['users', 'add', 'gina'], `${password}\n`);
      client = await addClient('grants-app');
    });

    it('lists the grant a login opened, with the id its access token carries', async () => {
      const tokens = await signIn(await loggedIn('gina', password), client);

      const grants = await adminJson<Json[]>(['grants', 'list', '--user', 'gina']);

      expect(grants).toEqual([
        {
          grant_id: decodeJwt(tokens.access_token).gid,
          sub: 'gina',
          client_id: 'grants-app',
          scope: 'profile api',
          auth_method: 'password',
          status: 'active',
          created_at: expect.any(String),
          expires_at: expect.any(String),
          revoked_at: null,
          revoked_reason: null,
        },
      ]);
      expect(await adminJson(['grants', 'list', '--client', 'grants-app'])).toEqual(grants);
      const table = await admin(['grants', 'list', '--user', 'gina']);
      expect(table.stdout.split('\n')[0]).toMatch(/^GRANT ID\s+USER\s+CLIENT\s+SCOPE/);
    });

    it('list --limit cuts the listing and says so on stderr; a limit out of range is a usage error', async () => {
      await signIn(await loggedIn('gina', password), client);

      const cut = await admin(['grants', 'list', '--user', 'gina', '--limit', '1', '--json']);
      expect(cut.code).toBe(0);
      expect(JSON.parse(cut.stdout)).toHaveLength(1);
      expect(cut.stderr).toBe('Showing the first 1; --limit shows more.\n');
      const whole = await admin(['grants', 'list', '--user', 'gina', '--json']);
      expect(JSON.parse(whole.stdout)).toHaveLength(2);
      expect(whole.stderr).toBe('');
      const none = await admin(['grants', 'list', '--limit', '0']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('a whole number from 1 to 10000');
    });

    it('revoke <grant_id> ends that session: /api/me 401, refresh invalid_grant', async () => {
      const tokens = await signIn(await loggedIn('gina', password), client);
      const other = await signIn(await loggedIn('gina', password), client);
      const grantId = decodeJwt(tokens.access_token).gid as string;

      const revoked = await adminJson(['grants', 'revoke', grantId]);

      expect(revoked).toMatchObject({ grant_id: grantId, sub: 'gina', revoked: true });
      const denied = await me(tokens.access_token).expect(401);
      expect(denied.headers['www-authenticate']).toMatch(/^Bearer /);
      const refused = await refresh(client, tokens.refresh_token!);
      expectRefusal(refused, 400, 'invalid_grant', 'The grant has been revoked');
      // Another session of the same user lives on.
      await me(other.access_token).expect(200);
      const again = await adminJson(['grants', 'revoke', grantId]);
      expect(again).toMatchObject({ revoked: false });
      const listed = await adminJson<Json[]>(['grants', 'list', '--user', 'gina', '--all']);
      expect(listed.find((grant) => grant.grant_id === grantId)).toMatchObject({
        status: 'revoked',
        revoked_reason: 'revoked_by_admin',
      });
    });

    it('revoke --user / --client end every live grant they name', async () => {
      const first = await signIn(await loggedIn('gina', password), client);
      const second = await signIn(await loggedIn('gina', password), client);
      const bystander = await signIn(await loggedIn('user0', 'password0'), client);

      const byUser = await adminJson(['grants', 'revoke', '--user', 'gina']);
      expect(byUser.revoked).toBeGreaterThanOrEqual(2);
      await me(first.access_token).expect(401);
      await me(second.access_token).expect(401);
      await me(bystander.access_token).expect(200);
      expect(await adminJson(['grants', 'list', '--user', 'gina'])).toEqual([]);

      const byClient = await adminJson(['grants', 'revoke', '--client', 'grants-app']);
      expect(byClient).toEqual({ revoked: 1 });
      await me(bystander.access_token).expect(401);
      await refresh(client, bystander.refresh_token!).expect(400);
    });

    it('an unknown grant is an error (exit 1)', async () => {
      const run = await admin(['grants', 'revoke', 'no-such-grant']);
      expect(run).toMatchObject({ code: 1, stderr: 'proofgate-admin: no grant no-such-grant\n' });
    });

    it('keeps the sub and clientId indexes the administration queries use (with _id: the admin API pages on it)', async () => {
      const indexes = await t.connection.collection('grants').listIndexes().toArray();
      expect(indexes.map((index) => index.key as Record<string, number>)).toEqual(
        expect.arrayContaining([
          { sub: 1, _id: 1 },
          { clientId: 1, _id: 1 },
        ]),
      );
    });
  });

  describe('users disable, enable and set-password', () => {
    const password = 'dora password 1';
    let client: ClientUnderTest;

    beforeAll(async () => {
      await adminJson(['users', 'add', 'dora'], `${password}\n`);
      client = await addClient('dora-app');
    });

    it('disable refuses logins and ends the sessions and tokens already out; enable undoes it', async () => {
      const browser = await loggedIn('dora', password);
      const tokens = await signIn(browser, client);

      const disabled = await adminJson(['users', 'disable', 'dora']);

      expect(disabled).toEqual({
        username: 'dora',
        sub: 'dora',
        status: 'disabled',
        changed: true,
        sessions_ended: 1,
        grants_revoked: 1,
      });
      await me(tokens.access_token).expect(401);
      expect((await refresh(client, tokens.refresh_token!).expect(400)).body.error).toBe(
        'invalid_grant',
      );
      // The browser's login session is gone: /authorize sends it to /login again.
      const authorize = await browser
        .get(
          `/authorize?response_type=code&client_id=dora-app&redirect_uri=${encodeURIComponent(client.redirectUri)}&state=s&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
        )
        .expect(302);
      expect(authorize.headers.location).toMatch(/^\/login\?/);
      // The right password is told the account is disabled (403); a wrong one learns nothing.
      expect(await passwordLoginStatus('dora', password)).toBe(403);
      expect(await passwordLoginStatus('dora', 'not dora password')).toBe(401);
      const users = await adminJson<Json[]>(['users', 'list']);
      expect(users.find((user) => user.username === 'dora')).toMatchObject({
        status: 'disabled',
        disabled_at: expect.any(String),
      });

      expect(await adminJson(['users', 'enable', 'dora'])).toMatchObject({ changed: true });
      expect(await passwordLoginStatus('dora', password)).toBe(303);
    });

    it('set-password takes the new password from stdin; the old one stops working', async () => {
      const run = await admin(['users', 'set-password', 'dora'], { stdin: 'dora password 2\n' });

      expect(run.code).toBe(0);
      expect(run.stdout + run.stderr).not.toContain('dora password 2');
      expect(await passwordLoginStatus('dora', password)).toBe(401);
      expect(await passwordLoginStatus('dora', 'dora password 2')).toBe(303);
    });

    it('refuses a password the login rules refuse, and unknown users', async () => {
      const short = await admin(['users', 'set-password', 'dora'], { stdin: 'short\n' });
      expect(short).toMatchObject({
        code: 1,
        stderr: 'proofgate-admin: password must be at least 8 characters\n',
      });
      const unknown = await admin(['users', 'disable', 'nobody']);
      expect(unknown).toMatchObject({
        code: 1,
        stderr: 'proofgate-admin: no user or account nobody\n',
      });
      const taken = await admin(['users', 'add', 'dora'], { stdin: 'another password\n' });
      expect(taken).toMatchObject({
        code: 1,
        stderr: 'proofgate-admin: user dora already exists\n',
      });
    });
  });

  it('clients remove: /authorize no longer knows the client, and its tokens end', async () => {
    const client = await addClient('short-lived');
    const tokens = await signIn(await loggedIn('user0', 'password0'), client);

    expect(await adminJson(['clients', 'remove', 'short-lived'])).toEqual({
      client_id: 'short-lived',
      removed: true,
      grants_revoked: 1,
      streams_removed: 0,
    });

    await me(tokens.access_token).expect(401);
    // Instances see a change made elsewhere within CLIENT_CACHE_TTL_SECONDS (README).
    t.clock.advance(CLIENT_CACHE_SECONDS + 1);
    const page = await agent()
      .get(
        `/authorize?response_type=code&client_id=short-lived&redirect_uri=${encodeURIComponent(client.redirectUri)}`,
      )
      .expect(400);
    expect(page.text).toContain('Unknown client_id');
    expect((await admin(['clients', 'show', 'short-lived'])).code).toBe(1);
  });

  it('clients add --authorization-details-type: the RFC 9396 types a client may ask for, each one configured', async () => {
    const ciba = ['--grant-type', 'urn:openid:params:grant-type:ciba'];
    // Outside production, AUTHORIZATION_DETAILS_TYPES unset is the demo payment type.
    const added = await adminJson([
      'clients',
      'add',
      'cli-payer',
      ...ciba,
      '--authorization-details-type',
      'payment_initiation',
      '--authorization-details-type',
      'payment_initiation',
    ]);
    expect(added).toMatchObject({ authorization_details_types: ['payment_initiation'] });
    expect((await admin(['clients', 'show', 'cli-payer'])).stdout).toMatch(
      /^authorization details: +payment_initiation$/m,
    );
    const pay = { type: 'payment_initiation', amount: '12.00', currency: 'EUR', creditor: 'X' };
    const asked = await t
      .http()
      .post('/backchannel')
      .type('form')
      .set('Authorization', basic('cli-payer', added.client_secret as string))
      .send({ scope: 'openid', login_hint: 'user0', authorization_details: JSON.stringify([pay]) });
    expect(asked.status).toBe(200);

    const unknown = await admin([
      'clients',
      'add',
      'cli-wire',
      ...ciba,
      '--authorization-details-type',
      'wire_transfer',
    ]);
    expect(unknown).toMatchObject({
      code: 1,
      stderr:
        'proofgate-admin: authorization details type "wire_transfer" is not configured: AUTHORIZATION_DETAILS_TYPES defines "payment_initiation"\n',
    });
    expect((await admin(['clients', 'show', 'cli-wire'])).code).toBe(1);
  });

  it('clients add --scope: the only scopes a client may ask for (RFC 7591), each one the server grants', async () => {
    const added = await adminJson([
      'clients',
      'add',
      'cli-reader',
      '--redirect-uri',
      'https://reader.example/cb',
      '--scope',
      'openid  profile openid',
    ]);
    expect(added).toMatchObject({ scope: 'openid profile' });
    expect((await admin(['clients', 'show', 'cli-reader'])).stdout).toMatch(
      /^scope: +may ask for openid profile only$/m,
    );
    const page = await agent()
      .get('/authorize')
      .query({
        response_type: 'code',
        client_id: 'cli-reader',
        redirect_uri: 'https://reader.example/cb',
        scope: 'openid email',
        state: 's',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })
      .expect(302);
    expect(Object.fromEntries(new URL(page.headers.location).searchParams)).toMatchObject({
      error: 'invalid_scope',
      error_description: "email: outside this client's registered scope (openid profile)",
    });

    const unknown = await admin([
      'clients',
      'add',
      'cli-typo',
      '--redirect-uri',
      'https://reader.example/cb',
      '--scope',
      'openid notes:reed',
    ]);
    expect(unknown).toMatchObject({
      code: 1,
      stderr:
        "proofgate-admin: scope names notes:reed, neither this server's scope nor one RESOURCE_SERVERS declares\n",
    });
  });

  it('a machine client: client_credentials with private_key_jwt, and set-jwks rotates its keys', async () => {
    const keyPair = async (kid: string) => {
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      const file = join(keysDir(), `${kid}.jwks.json`);
      writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid }] }));
      return { privateKey, file };
    };
    const first = await keyPair('k1');
    const added = await adminJson([
      'clients',
      'add',
      'cli-machine',
      '--grant-type',
      'client_credentials',
      '--token-endpoint-auth-method',
      'private_key_jwt',
      '--jwks-file',
      first.file,
    ]);
    expect(added).toMatchObject({
      client_id: 'cli-machine',
      client_type: 'confidential',
      token_endpoint_auth_method: 'private_key_jwt',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      jwks: { keys: [expect.objectContaining({ kid: 'k1', kty: 'EC' })] },
    });
    expect(added.client_secret).toBeUndefined();
    // No authorization request, so nothing to say of PKCE.
    const shown = (await admin(['clients', 'show', 'cli-machine'])).stdout;
    expect(shown).toMatch(/grant types:\s+client_credentials\n/);
    expect(shown).not.toContain('PKCE');

    const client = { client_id: 'cli-machine' };
    const grant = async (privateKey: CryptoKey, kid: string) =>
      oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.PrivateKeyJwt({ key: privateKey, kid }),
        {},
        INSECURE,
      );
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await grant(first.privateKey, 'k1'),
    );
    expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: 'cli-machine', scope: 'api' });

    const second = await keyPair('k2');
    expect(
      await adminJson(['clients', 'set-jwks', 'cli-machine', '--jwks-file', second.file]),
    ).toMatchObject({ jwks: { keys: [expect.objectContaining({ kid: 'k2' })] } });
    // Instances see a change made elsewhere within CLIENT_CACHE_TTL_SECONDS (README).
    t.clock.advance(CLIENT_CACHE_SECONDS + 1);
    expect((await grant(first.privateKey, 'k1')).status).toBe(401);
    expect((await grant(second.privateKey, 'k2')).status).toBe(200);

    const secretClient = await admin([
      'clients',
      'set-jwks',
      'demo-client',
      '--jwks-file',
      second.file,
    ]);
    expect(secretClient.code).toBe(1);
    const noKeys = await admin([
      'clients',
      'add',
      'cli-machine-2',
      '--grant-type',
      'client_credentials',
      '--token-endpoint-auth-method',
      'private_key_jwt',
    ]);
    expect(noKeys.code).toBe(2);
    const publicMachine = await admin([
      'clients',
      'add',
      'cli-machine-3',
      '--public',
      '--grant-type',
      'client_credentials',
    ]);
    expect(publicMachine).toMatchObject({
      code: 1,
      stderr:
        'proofgate-admin: grant_types client_credentials is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it\n',
    });
  });

  // Last: these move the service's clock by many minutes.
  describe('keys rotate', () => {
    /** The kids /jwks.json publishes for `alg`, newest first. */
    const jwksKids = async (alg = 'ES256') =>
      (
        (await t.http().get('/jwks.json').expect(200)).body as {
          keys: { kid: string; alg: string }[];
        }
      ).keys
        .filter((key) => key.alg === alg)
        .map((key) => key.kid);
    const es256 = (keys: Json[]) => keys.filter((key) => key.alg === 'ES256');
    const kidOf = (token: string) => decodeProtectedHeader(token).kid;

    it('rotate --now signs with a new key at once; instances follow within the recheck interval', async () => {
      const client = await addClient('keys-now-app');
      const before = await signIn(await loggedIn('user0', 'password0'), client);
      const oldKid = kidOf(before.access_token);
      // The JWKS installs the RS256 key (ID tokens of clients that registered RS256).
      const [oldRsKid] = await jwksKids('RS256');

      const [rotated, rsRotated] = await adminJson<Json[]>(['keys', 'rotate', '--now']);

      expect(rotated).toMatchObject({ alg: 'ES256', state: 'active', replaces: oldKid });
      expect(rsRotated).toMatchObject({ alg: 'RS256', state: 'active', replaces: oldRsKid });
      expect(await jwksKids()).toEqual([rotated.kid, oldKid]);
      expect(await jwksKids('RS256')).toEqual([rsRotated.kid, oldRsKid]);
      t.clock.advance(ACTIVE_KEY_RECHECK_SECONDS);
      const after = await refresh(client, before.refresh_token!).expect(200);
      expect(kidOf(after.body.access_token)).toBe(rotated.kid);
      await me(before.access_token).expect(200);
      await me(after.body.access_token).expect(200);
    });

    it('pre-publishes the next key; tokens carry it once due, and older tokens live out their time', async () => {
      const client = await addClient('keys-app');
      const before = await signIn(await loggedIn('user0', 'password0'), client);
      const oldKid = kidOf(before.access_token);
      const listed = es256(await adminJson<Json[]>(['keys', 'list']));
      expect(listed.filter((key) => key.state !== 'retired')).toEqual([
        expect.objectContaining({
          kid: oldKid,
          state: 'active',
          retires_at: null,
          published: true,
        }),
      ]);

      const [rotation, rsRotation] = await adminJson<Json[]>(['keys', 'rotate']);

      expect(rotation).toMatchObject({
        alg: 'ES256',
        state: 'next',
        created: true,
        replaces: oldKid,
      });
      // The RS256 key, installed by the JWKS the test before fetched, rotates with it.
      expect(rsRotation).toMatchObject({ alg: 'RS256', state: 'next', created: true });
      const nextKid = rotation.kid as string;
      // The CLI runs on the service's (test) clock.
      const delay = Date.parse(rotation.activates_at as string) - t.clock.now().getTime();
      expect(delay).toBeGreaterThan((NEXT_KEY_PUBLISH_SECONDS - 60) * 1000);
      expect(delay).toBeLessThanOrEqual(NEXT_KEY_PUBLISH_SECONDS * 1000);
      // Published at once, for resource servers to fetch before any token needs it.
      expect((await jwksKids()).slice(0, 2)).toEqual([nextKid, oldKid]);
      const stillOld = await refresh(client, before.refresh_token!).expect(200);
      expect(kidOf(stillOld.body.access_token)).toBe(oldKid);
      const pending = es256(await adminJson<Json[]>(['keys', 'list']));
      expect(pending.slice(0, 2).map((key) => [key.kid, key.state])).toEqual([
        [nextKid, 'next'],
        [oldKid, 'active'],
      ]);
      expect(pending[1].retires_at).toBe(rotation.activates_at);
      expect(await adminJson(['keys', 'rotate'])).toEqual([
        expect.objectContaining({ kid: nextKid, created: false }),
        expect.objectContaining({ kid: rsRotation.kid, created: false }),
      ]);

      t.clock.advance(NEXT_KEY_PUBLISH_SECONDS + ACTIVE_KEY_RECHECK_SECONDS);

      const after = await refresh(client, stillOld.body.refresh_token).expect(200);
      expect(kidOf(after.body.access_token)).toBe(nextKid);
      // Tokens of the retired key stay valid until they expire.
      await me(before.access_token).expect(200);
      await me(after.body.access_token).expect(200);
      const rotated = es256(await adminJson<Json[]>(['keys', 'list']));
      expect(rotated.slice(0, 2).map((key) => [key.kid, key.state])).toEqual([
        [nextKid, 'active'],
        [oldKid, 'retired'],
      ]);
      expect(rotated[1]).toMatchObject({ retires_at: expect.any(String), published: true });
      const table = await admin(['keys', 'list']);
      expect(table.stdout.split('\n')[0]).toMatch(
        /^KID\s+ALG\s+STATE\s+CREATED\s+RETIRES AT\s+NOTE$/,
      );

      // Just past the old token's exp; the new one, issued later, still has time to run.
      t.clock.advance(decodeJwt(before.access_token).exp! - t.clock.nowSeconds() + 5);
      const expired = await me(before.access_token).expect(401);
      expect(expired.headers['www-authenticate']).toContain('The access token expired');
      await me(after.body.access_token).expect(200);
    });
  });
});
