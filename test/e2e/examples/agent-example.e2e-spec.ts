/**
 * examples/agent (`npm run example:agent`), run as a process against a real Proofgate and the
 * example MCP server: the MCP SDK's PrivateKeyJwtProvider gets a client_credentials token with a
 * private_key_jwt assertion and `resource` = the MCP server (found through RFC 9728 and RFC 8414),
 * and `whoami` answers for the agent itself. The agent's key is the published demo key of the
 * seeded `demo-agent`; a key Proofgate does not know gets no token.
 */
import {
  PrivateKeyJwtProvider,
  type PrivateKeyJwtProviderOptions,
} from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import {
  discoverAuthorizationServerMetadata,
  fetchToken,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { spawn } from 'node:child_process';
import { decodeJwt, generateKeyPair, exportJWK } from 'jose';
import { join } from 'node:path';
import { startMcpServer, type RunningMcpServer } from '../../../examples/mcp-server/mcp-server';
import { DEMO_CLIENTS } from '../../../src/config/sections/oauth.config';
import { DEMO_AGENT } from '../../../src/lab-client/client-auth-scenarios';
import { freePort } from '../../support/processes';
import { TestApp, startListeningApp } from '../../support/test-app';

const ROOT = join(__dirname, '..', '..', '..');
const TS_NODE = join(ROOT, 'node_modules', '.bin', 'ts-node');

/** Runs `npm run example:agent`'s command with `env`; resolves to its exit code and output. */
function runAgent(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      TS_NODE,
      ['--transpile-only', '-P', 'tsconfig.jest.json', 'examples/agent/main.ts'],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * docs/CLIENTS.md's way to another grant with the MCP SDK: a PrivateKeyJwtProvider whose
 * prepareTokenRequest returns a token exchange (RFC 8693) of `subjectToken`.
 */
class TokenExchangeProvider extends PrivateKeyJwtProvider {
  constructor(
    options: PrivateKeyJwtProviderOptions & { expectedIssuer: string },
    private readonly subjectToken: string,
  ) {
    super(options);
  }

  override prepareTokenRequest(scope?: string): URLSearchParams {
    const params = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: this.subjectToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
    if (scope) params.set('scope', scope);
    return params;
  }
}

describe('examples/agent: an MCP agent with PrivateKeyJwtProvider', () => {
  let t: TestApp;
  let mcp: RunningMcpServer;
  let issuer: string;
  let resource: string;

  beforeAll(async () => {
    const mcpPort = await freePort();
    resource = `http://127.0.0.1:${mcpPort}/mcp`;
    const demoAgent = DEMO_CLIENTS.find((client) => client.clientId === DEMO_AGENT.id)!;
    ({ t, issuer } = await startListeningApp({
      // The seeded demo-agent (its public key, its grants), allowed this test's MCP server.
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: demoAgent.clientId,
          name: demoAgent.name,
          redirect_uris: [],
          grant_types: demoAgent.grantTypes,
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: demoAgent.jwks,
          resources: [resource],
        },
      ]),
    }));
    mcp = await startMcpServer({ issuer, resource, port: mcpPort });
  });
  afterAll(async () => {
    await mcp?.close();
    await t?.close();
  });

  it('calls whoami as itself: sub and client_id are the agent, scope api, no user', async () => {
    const { code, output } = await runAgent({ PROOFGATE_URL: issuer, MCP_SERVER_URL: resource });
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('whoami: ') });
    const answer = JSON.parse(/whoami: (.*)/.exec(output)![1]) as Record<string, unknown>;
    expect(answer).toMatchObject({ sub: 'demo-agent', client_id: 'demo-agent', scope: 'api' });
  }, 60_000);

  it('gets no token with a key Proofgate does not know (invalid_client)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { code, output } = await runAgent({
      PROOFGATE_URL: issuer,
      MCP_SERVER_URL: resource,
      AGENT_PRIVATE_JWK: JSON.stringify(await exportJWK(privateKey)),
    });
    expect(code).toBe(1);
    expect(output).not.toContain('whoami: ');
    expect(output).toMatch(/invalid_client|Client authentication failed|signature/i);
  }, 60_000);

  it("exchanges its token with the SDK (docs/CLIENTS.md's prepareTokenRequest): act names it, more scope is refused", async () => {
    const options = {
      clientId: DEMO_AGENT.id,
      privateKey: { ...DEMO_AGENT.privateJwk },
      algorithm: 'ES256',
      expectedIssuer: issuer,
      scope: 'api',
    };
    // The metadata the SDK's auth() hands on: its assertions' aud is then the issuer, the one
    // Proofgate accepts (rfc7523bis), not the token endpoint URL it falls back to without it.
    const metadata = await discoverAuthorizationServerMetadata(issuer);
    const own = await fetchToken(new PrivateKeyJwtProvider(options), issuer, {
      resource: new URL(resource),
      metadata,
    });
    const exchanged = await fetchToken(
      new TokenExchangeProvider(options, own.access_token),
      issuer,
      { metadata },
    );
    expect(exchanged.refresh_token).toBeUndefined();
    expect(decodeJwt(exchanged.access_token)).toMatchObject({
      sub: 'demo-agent',
      aud: resource,
      scope: 'api',
      act: { sub: 'demo-agent' },
    });
    await expect(
      fetchToken(
        new TokenExchangeProvider({ ...options, scope: 'api profile' }, own.access_token),
        issuer,
        { metadata },
      ),
    ).rejects.toThrow('The requested scope exceeds the scope of the subject token');
  });
});
