/**
 * A newcomer's ports (issue #48 item 6): the seeded demo clients work whatever ports Proofgate,
 * the demo client, the SPA and the MCP server run on, without a client edited.
 * - demo-client: authorization code + PKCE with a 127.0.0.1 redirect URI on a random port (RFC
 *   8252 §7.3: it is registered as a native app, on the developer's machine), exchanged at /token;
 * - demo-spa: the same from its own origin on a random port, /token answering that origin (CORS);
 * - demo-agent: `npm run example:agent -- --mcp-port N` against the example MCP server on
 *   http://localhost:N/mcp, its seeded resource on another port.
 * What stays refused: another loopback host, https, a public host; and in production the ports
 * of resources and origins are exact again.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT, importJWK } from 'jose';
import request from 'supertest';
import { startMcpServer, type RunningMcpServer } from '../../../examples/mcp-server/mcp-server';
import { DEMO_AGENT } from '../../../src/lab-client/client-auth-scenarios';
import {
  DEMO_CLIENT,
  DEMO_SPA,
  exchangeCode,
  login,
  obtainCode,
  type Agent,
} from '../../support/oauth';
import { freePort } from '../../support/processes';
import { TestApp, createTestApp, startListeningApp } from '../../support/test-app';

const ROOT = join(__dirname, '..', '..', '..');
const TS_NODE = join(ROOT, 'node_modules', '.bin', 'ts-node');
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** `npm run example:agent -- <args>` with PROOFGATE_URL; its exit code and output. */
function runAgent(
  issuer: string,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      TS_NODE,
      ['--transpile-only', '-P', 'tsconfig.jest.json', 'examples/agent/main.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, PROOFGATE_URL: issuer },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** demo-agent's client_credentials request for `resource`, authenticated as RFC 7523 §2.2 says. */
async function agentToken(t: TestApp, resource: string) {
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: DEMO_AGENT.privateJwk.kid })
    .setIssuer(DEMO_AGENT.id)
    .setSubject(DEMO_AGENT.id)
    .setAudience(t.config.server.issuer)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(await importJWK(DEMO_AGENT.privateJwk, 'ES256'));
  return t.http().post('/token').type('form').send({
    grant_type: 'client_credentials',
    scope: 'api',
    resource,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
  });
}

/** A preflight of POST /token from `origin`: the origin it allows, if any. */
async function allowedOrigin(t: TestApp, origin: string): Promise<string | undefined> {
  const res = await t
    .http()
    .options('/token')
    .set('Origin', origin)
    .set('Access-Control-Request-Method', 'POST')
    .expect(204);
  return res.headers['access-control-allow-origin'];
}

const OWN_RESOURCE_FIX =
  '; for another, add a client of your own: npm run admin -- clients add <id> --resource <URI> ' +
  '(docs/ADMINISTRATION.md), or OAUTH_CLIENTS';

describe('the seeded demo clients on ports of the newcomer’s choosing (outside production)', () => {
  let t: TestApp;
  let issuer: string;
  let agent: Agent;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp());
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });
  afterAll(() => t?.close());

  it('demo-client: a code for a 127.0.0.1 redirect URI on a random port, exchanged with its secret', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const { code, verifier, location } = await obtainCode(agent, { redirect_uri: redirectUri });
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);

    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier, {
      ...DEMO_CLIENT,
      redirectUri,
    }).expect(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
  });

  it('demo-spa: a code on a random port, exchanged from that origin with CORS allowing it', async () => {
    const origin = `http://127.0.0.1:${await freePort()}`;
    const spa = { ...DEMO_SPA, redirectUri: `${origin}/callback` };
    const { code, verifier } = await obtainCode(agent, {
      client_id: spa.id,
      redirect_uri: spa.redirectUri,
    });

    expect(await allowedOrigin(t, origin)).toBe(origin);
    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier, spa)
      .set('Origin', origin)
      .expect(200);
    expect(tokens.headers['access-control-allow-origin']).toBe(origin);
  });

  it.each([
    ['localhost (only the loopback IP literals)', 'http://localhost:26219'],
    ['https', 'https://127.0.0.1:26219'],
    ['another loopback address', 'http://127.0.0.2:26219'],
    ['a public host', 'http://proofgate.example:26219'],
  ])('allows no CORS origin on %s', async (_, origin) => {
    expect(await allowedOrigin(t, origin)).toBeUndefined();
  });

  describe('demo-agent and the example MCP server on another port', () => {
    let mcp: RunningMcpServer;
    let mcpPort: number;

    beforeAll(async () => {
      mcpPort = await freePort();
      // As `npm run example:mcp -- --port N` serves it: http://localhost:N/mcp.
      mcp = await startMcpServer({
        issuer,
        resource: `http://localhost:${mcpPort}/mcp`,
        host: 'localhost',
        port: mcpPort,
      });
    });
    afterAll(() => mcp?.close());

    it('npm run example:agent -- --mcp-port N: whoami answers for the seeded demo-agent', async () => {
      const { code, output } = await runAgent(issuer, ['--mcp-port', String(mcpPort)]);

      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('whoami: ') });
      const answer = JSON.parse(/whoami: (.*)/.exec(output)![1]) as Record<string, unknown>;
      expect(answer).toMatchObject({ sub: 'demo-agent', client_id: 'demo-agent', scope: 'api' });
    }, 60_000);

    it('gets a token for its resource on any port of localhost, no other host, and says what it may ask for', async () => {
      const granted = await agentToken(t, `http://localhost:${mcpPort}/mcp`);
      expect(granted.status).toBe(200);

      for (const resource of [
        `http://127.0.0.1:${mcpPort}/mcp`,
        `https://localhost:${mcpPort}/mcp`,
        `http://mcp.example:${mcpPort}/mcp`,
        `http://localhost:${mcpPort}/other`,
      ]) {
        const refused = await agentToken(t, resource);
        expect({ resource, status: refused.status, body: refused.body as unknown }).toEqual({
          resource,
          status: 400,
          body: {
            error: 'invalid_target',
            error_description:
              'resource is not allowed for this client. demo-agent (demo data) takes resource ' +
              `http://localhost:<any port>/mcp besides the default${OWN_RESOURCE_FIX}`,
          },
        });
      }
    });
  });
});

describe('the same clients in production (SEED_DEMO_DATA=true): ports exact again', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
      ISSUER: 'https://auth.example.test',
      SEED_DEMO_DATA: 'true',
      // An operator's client with a loopback resource: exact in production as the demo agent's.
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: 'loopback-web',
          client_secret: 'loopback-web-secret',
          redirect_uris: ['http://127.0.0.1:40000/cb'],
          resources: ['http://localhost:25004/mcp'],
        },
      ]),
    });
  });
  afterAll(() => t?.close());

  it("refuses demo-agent's resource on another port, naming the one it has", async () => {
    expect((await agentToken(t, 'http://localhost:25004/mcp')).status).toBe(200);
    const refused = await agentToken(t, 'http://localhost:26218/mcp');
    expect({ status: refused.status, body: refused.body as unknown }).toEqual({
      status: 400,
      body: {
        error: 'invalid_target',
        error_description:
          'resource is not allowed for this client. demo-agent (demo data) takes resource ' +
          `http://localhost:25004/mcp besides the default${OWN_RESOURCE_FIX}`,
      },
    });
  });

  it("allows demo-spa's own origin only, no other loopback port", async () => {
    const registered = new URL(DEMO_SPA.redirectUri).origin;
    expect(await allowedOrigin(t, registered)).toBe(registered);
    expect(await allowedOrigin(t, 'http://127.0.0.1:26219')).toBeUndefined();
  });

  it("keeps a web client's loopback redirect URI and an operator client's resource exact", async () => {
    const agent = request.agent(t.app.getHttpServer());
    const authorize = (redirectUri: string, resource?: string) =>
      agent
        .get('/authorize')
        .query({
          response_type: 'code',
          client_id: 'loopback-web',
          redirect_uri: redirectUri,
          state: 's',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          ...(resource ? { resource } : {}),
        })
        .set('Accept', 'application/json');

    const port = await authorize('http://127.0.0.1:40001/cb');
    expect({ status: port.status, body: port.body as unknown }).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'redirect_uri is not registered for this client',
      },
    });
    const resource = await authorize('http://127.0.0.1:40000/cb', 'http://localhost:26218/mcp');
    const back = new URL(resource.headers.location);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      error: 'invalid_target',
      error_description: 'resource is not allowed for this client',
    });
  });
});
