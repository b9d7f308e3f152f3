/**
 * examples/mcp-server, the MCP authorization flow end to end, driven by the MCP SDK's own client
 * (Client + StreamableHTTPClientTransport with an OAuthClientProvider): a 401 from the MCP
 * server, RFC 9728 discovery of its protected-resource metadata, RFC 8414 discovery of Proofgate,
 * authorization code + PKCE with `resource` (RFC 8707) through the real login page and consent
 * screen, a token whose `aud` is the MCP server's URL, and the `whoami` tool answering for the
 * user who logged in. Proofgate and the MCP server each listen on a port of their own. The client
 * is known three ways: pre-registered in OAUTH_CLIENTS, registered by the SDK itself (RFC 7591),
 * and by its client ID metadata document, served by this spec over https with a self-signed
 * certificate that Proofgate trusts through CLIENT_METADATA_CA_FILE.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  UnauthorizedError,
  type OAuthClientProvider,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startMcpServer, type RunningMcpServer } from '../../../examples/mcp-server/mcp-server';
import { ClientRepository } from '../../../src/clients/client.repository';
import { AccessTokenService } from '../../../src/tokens/access-token.service';
import { CookieBrowser } from '../../support/cookie-browser';
import { clientEntry, exchangeCode, login, obtainCode, getMe } from '../../support/oauth';
import { addPasskeyOnAccountPage, passkeySignIn } from '../../support/step-up';
import { exitOf, freePort, freePorts, printed } from '../../support/processes';
import { selfSignedCertificate } from '../../support/self-signed-certificate';
import { TestApp, startListeningApp } from '../../support/test-app';

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'examples', 'mcp-server', 'main.ts');
const TS_NODE = join(ROOT, 'node_modules', '.bin', 'ts-node');

/** A public client registered in config, allowed the MCP server as a resource (RFC 8707). */
const MCP_CLIENT = {
  id: 'mcp-client',
  name: 'MCP test client',
  // Never listened on: the test reads the code off the redirect, as a native client would.
  redirectUri: 'http://127.0.0.1:33418/callback',
};

/** A first-party client of the MCP server that demands a passkey sign-in (MCP_REQUIRED_ACR). */
const STEP_UP_CLIENT = {
  id: 'step-up-client',
  secret: 'step-up-secret',
  redirectUri: 'http://127.0.0.1:33419/callback',
};

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

/**
 * An MCP client's OAuth state, kept in memory. With `preRegistered` it presents a client that
 * was registered beforehand; without, `auth()` registers it (RFC 7591) and keeps the answer via
 * `saveClientInformation`; with `clientMetadataUrl` the URL itself is the client_id (client ID
 * metadata document).
 */
class InMemoryOAuthClientProvider implements OAuthClientProvider {
  /** Where `auth()` sent the user agent: the authorization request. */
  authorizationUrl?: URL;
  private client?: OAuthClientInformationMixed;
  private saved?: OAuthTokens;
  private verifier?: string;

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadata: OAuthClientMetadata,
    preRegistered?: OAuthClientInformationMixed,
    readonly clientMetadataUrl?: string,
  ) {
    this.client = preRegistered;
  }

  state(): string {
    return 'mcp-state';
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }
  saveClientInformation(client: OAuthClientInformationMixed): void {
    this.client = client;
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  redirectToAuthorization(authorizationUrl: URL): void {
    this.authorizationUrl = authorizationUrl;
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
}

describe('examples/mcp-server: MCP authorization with Proofgate (MCP SDK client)', () => {
  let t: TestApp;
  let issuer: string;
  let mcp: RunningMcpServer;
  /** An MCP server that demands acr phr (RFC 9470), at `stepUpResource`. */
  let stepUpMcp: RunningMcpServer;
  let stepUpResource: string;
  let resource: string;
  /** The client ID metadata document's URL (its client_id), served over https by the test. */
  let documentUrl: string;
  let documentServer: HttpsServer;
  let documentFetches = 0;
  let caDirectory: string;

  beforeAll(async () => {
    // Distinct ports, the service's too (freePorts and freePort never hand one out twice): two
    // servers once shared one (the step-up server never listened, and the plain one answered).
    const [mcpPort, documentPort, stepUpPort] = await freePorts(3);
    stepUpResource = `http://127.0.0.1:${stepUpPort}/mcp`;
    resource = `http://127.0.0.1:${mcpPort}/mcp`;
    documentUrl = `https://127.0.0.1:${documentPort}/oauth/client.json`;

    // The MCP SDK takes only an https client_id URL; Proofgate trusts this self-signed
    // certificate through CLIENT_METADATA_CA_FILE (for document fetches only).
    const { key, cert } = selfSignedCertificate(['127.0.0.1']);
    caDirectory = mkdtempSync(join(tmpdir(), 'proofgate-mcp-ca-'));
    writeFileSync(join(caDirectory, 'ca.pem'), cert);
    documentServer = createHttpsServer({ key, cert }, (req, res) => {
      if (req.url !== new URL(documentUrl).pathname) return void res.writeHead(404).end();
      documentFetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ client_id: documentUrl, ...clientMetadata }));
    });
    await new Promise<void>((resolve) => documentServer.listen(documentPort, '127.0.0.1', resolve));

    ({ t, issuer } = await startListeningApp({
      // The document is on loopback: development and tests only (refused in production).
      CLIENT_METADATA_ALLOW_PRIVATE: 'true',
      CLIENT_METADATA_CA_FILE: join(caDirectory, 'ca.pem'),
      // Not first-party: the user sees and answers the consent screen.
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: MCP_CLIENT.id,
          name: MCP_CLIENT.name,
          redirect_uris: [MCP_CLIENT.redirectUri],
          resources: [resource],
        },
        clientEntry(STEP_UP_CLIENT, { resources: [stepUpResource], first_party: true }),
      ]),
    }));
    mcp = await startMcpServer({ issuer, resource, port: mcpPort });
    stepUpMcp = await startMcpServer({
      issuer,
      resource: stepUpResource,
      port: stepUpPort,
      requiredAcr: 'phr',
    });
  });
  afterAll(async () => {
    await mcp?.close();
    await stepUpMcp?.close();
    await t?.close();
    await new Promise((resolve) => documentServer?.close(resolve));
    if (caDirectory) rmSync(caDirectory, { recursive: true, force: true });
  });

  /**
   * The user agent's part: from the authorization request through the login form (user1) and,
   * when shown, the consent screen (Allow), to the redirect back to the client. `pages` lists
   * the forms answered on the way.
   */
  async function loginAndConsent(
    authorizationUrl: URL,
  ): Promise<{ callback: URL; pages: ('login' | 'consent')[]; consentPage?: string }> {
    const browser = new CookieBrowser();
    const pages: ('login' | 'consent')[] = [];
    let consentPage: string | undefined;
    let response = await browser.get(authorizationUrl.href);
    for (let step = 0; step < 10; step++) {
      if (response.status === 200) {
        const page = await response.text();
        const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1];
        const returnTo = /name="return_to" value="([^"]+)"/.exec(page)?.[1];
        if (!csrf || !returnTo) throw new Error('neither a login form nor a consent screen');
        const unescaped = returnTo.replaceAll('&amp;', '&');
        const consent = page.includes('name="decision" value="allow"');
        pages.push(consent ? 'consent' : 'login');
        if (consent) consentPage = page;
        response = consent
          ? await browser.postForm(`${issuer}/consent`, {
              decision: 'allow',
              csrf_token: csrf,
              return_to: unescaped,
            })
          : await browser.postForm(`${issuer}/login`, {
              username: 'user1',
              password: 'password1',
              csrf_token: csrf,
              return_to: unescaped,
            });
        continue;
      }
      if (![302, 303].includes(response.status)) {
        throw new Error(`unexpected ${response.status} from ${response.url}`);
      }
      const location = new URL(response.headers.get('location')!, issuer);
      if (location.origin !== issuer) return { callback: location, pages, consentPage };
      response = await browser.get(location.href);
    }
    throw new Error('no redirect back to the client after 10 steps');
  }

  /**
   * The whole flow for one OAuthClientProvider: connect (401, discovery, authorization request),
   * log in and consent, finishAuth with the code, connect again and call `whoami`.
   */
  async function authorizeAndCallWhoami(provider: InMemoryOAuthClientProvider) {
    const serverUrl = new URL(resource);
    // Every request the SDK makes, MCP and OAuth alike, as "METHOD url status".
    const requests: string[] = [];
    const recording: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      requests.push(`${init?.method ?? 'GET'} ${String(url)} ${response.status}`);
      return response;
    };
    const options = { authProvider: provider, fetch: recording };
    const unauthorized = new Client({ name: 'proofgate-test', version: '1.0.0' });
    const first = new StreamableHTTPClientTransport(serverUrl, options);
    await expect(unauthorized.connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    const authorizationUrl = provider.authorizationUrl;
    if (!authorizationUrl) throw new Error('auth() did not send the user agent anywhere');

    const { callback, pages, consentPage } = await loginAndConsent(authorizationUrl);
    expect(callback.origin + callback.pathname).toBe(provider.redirectUrl);
    expect(callback.searchParams.get('state')).toBe('mcp-state');
    expect(callback.searchParams.get('iss')).toBe(issuer);
    await first.finishAuth(callback.searchParams.get('code')!);

    const client = new Client({ name: 'proofgate-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(serverUrl, options));
    const { tools } = await client.listTools();
    const answer = await client.callTool({ name: 'whoami' });
    await client.close();
    const [content] = answer.content as { type: string; text: string }[];
    return {
      requests,
      authorizationUrl,
      pages,
      consentPage,
      tokens: provider.tokens()!,
      tools: tools.map((tool) => tool.name),
      caller: JSON.parse(content.text) as unknown,
    };
  }

  /** What the MCP client says of itself: sent as is by dynamic registration (RFC 7591). */
  const clientMetadata: OAuthClientMetadata = {
    client_name: MCP_CLIENT.name,
    redirect_uris: [MCP_CLIENT.redirectUri],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'profile',
  };

  it('dynamic client registration: the SDK registers at /register, then code + PKCE for the MCP server, whoami', async () => {
    // No client information: auth() registers (RFC 7591) at Proofgate's registration_endpoint.
    const provider = new InMemoryOAuthClientProvider(MCP_CLIENT.redirectUri, clientMetadata);

    const { requests, authorizationUrl, pages, consentPage, tokens, caller } =
      await authorizeAndCallWhoami(provider);

    const registered = provider.clientInformation()!;
    expect(registered.client_id).toMatch(/^dcr_[0-9a-f]{32}$/);
    // Registered after discovery and before the user was sent anywhere; once.
    const milestones = [
      `GET ${issuer}/.well-known/oauth-authorization-server 200`,
      `POST ${issuer}/register 201`,
      `POST ${issuer}/token 200`,
    ].map((request) => requests.indexOf(request));
    expect(milestones).toEqual([...milestones].sort((a, b) => a - b));
    expect(milestones).not.toContain(-1);
    expect(requests.filter((request) => request.includes('/register'))).toHaveLength(1);

    // The registration is an ordinary stored client, public, marked as dynamically registered.
    const stored = await t.app.get(ClientRepository).findById(registered.client_id);
    expect(stored).toMatchObject({
      clientId: registered.client_id,
      type: 'public',
      name: MCP_CLIENT.name,
      redirectUris: [MCP_CLIENT.redirectUri],
      dynamicallyRegisteredAt: expect.any(Date),
    });
    expect(stored?.resources).toBeUndefined();

    // It names the MCP server as resource, which REGISTERED_CLIENT_RESOURCES lets it do, and
    // the user is shown that server on the consent screen.
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({
      client_id: registered.client_id,
      code_challenge_method: 'S256',
      resource,
    });
    expect(pages).toEqual(['login', 'consent']);
    expect(consentPage).toContain(`<code data-resource="${resource}">${resource}</code>`);
    expect(claimsOf(tokens.access_token)).toMatchObject({
      iss: issuer,
      aud: resource,
      sub: 'user1',
      client_id: registered.client_id,
    });
    expect(caller).toEqual({ sub: 'user1', client_id: registered.client_id, scope: 'profile' });
  });

  it('client ID metadata document: the SDK uses the https URL as client_id, no registration, whoami', async () => {
    const metadata = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
    expect(metadata.body.client_id_metadata_document_supported).toBe(true);
    const provider = new InMemoryOAuthClientProvider(
      MCP_CLIENT.redirectUri,
      clientMetadata,
      undefined,
      documentUrl,
    );
    const fetchesBefore = documentFetches;

    const { requests, authorizationUrl, pages, consentPage, tokens, caller } =
      await authorizeAndCallWhoami(provider);

    expect(requests.filter((request) => request.includes('/register'))).toEqual([]);
    expect(authorizationUrl.searchParams.get('client_id')).toBe(documentUrl);
    expect(authorizationUrl.searchParams.get('resource')).toBe(resource);
    // Proofgate fetched the document over https, trusting the test's CA (then cached it).
    expect(documentFetches).toBe(fetchesBefore + 1);
    expect(pages).toEqual(['login', 'consent']);
    expect(consentPage).toContain(MCP_CLIENT.name);
    expect(consentPage).toContain(`<code data-resource="${resource}">${resource}</code>`);
    expect(claimsOf(tokens.access_token)).toMatchObject({
      iss: issuer,
      aud: resource,
      sub: 'user1',
      client_id: documentUrl,
    });
    expect(caller).toEqual({ sub: 'user1', client_id: documentUrl, scope: 'profile' });
  });

  it('pre-registered public client: 401, discovery, code + PKCE for the MCP server, whoami', async () => {
    const provider = new InMemoryOAuthClientProvider(MCP_CLIENT.redirectUri, clientMetadata, {
      client_id: MCP_CLIENT.id,
    });

    const { requests, authorizationUrl, pages, tokens, tools, caller } =
      await authorizeAndCallWhoami(provider);

    // 401, then RFC 9728 at the MCP server, then RFC 8414 at the issuer it names, then the code
    // exchange, then MCP with the token. (The SDK discovers again in finishAuth: order, not count.)
    const metadataUrl = `${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp`;
    const milestones = [
      `POST ${resource} 401`,
      `GET ${metadataUrl} 200`,
      `GET ${issuer}/.well-known/oauth-authorization-server 200`,
      `POST ${issuer}/token 200`,
      `POST ${resource} 200`,
    ].map((request) => requests.indexOf(request));
    expect(milestones[0]).toBe(0);
    expect(milestones).toEqual([...milestones].sort((a, b) => a - b));
    expect(new Set(milestones).size).toBe(milestones.length);
    expect(requests.filter((request) => request.includes('/register'))).toEqual([]);

    // Found through the MCP server's RFC 9728 document, then Proofgate's RFC 8414 document.
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${issuer}/authorize`);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({
      client_id: MCP_CLIENT.id,
      response_type: 'code',
      code_challenge_method: 'S256',
      resource,
      scope: 'profile',
    });
    expect(pages).toEqual(['login', 'consent']);
    expect(claimsOf(tokens.access_token)).toMatchObject({
      iss: issuer,
      aud: resource,
      sub: 'user1',
      client_id: MCP_CLIENT.id,
    });
    expect(tools).toEqual(['whoami']);
    expect(caller).toEqual({ sub: 'user1', client_id: MCP_CLIENT.id, scope: 'profile' });

    // The token is for the MCP server only: Proofgate's own API refuses it.
    const me = await getMe(t, tokens.access_token);
    expect(me.status).toBe(401);
    expect(me.body.error_description).toBe('The access token is for another resource');
  });

  it('runs from the command line (npm run example:mcp) with PROOFGATE_URL and MCP_SERVER_URL', async () => {
    const url = `http://localhost:${await freePort()}/tools/mcp`;
    const cli = spawn(TS_NODE, ['--transpile-only', '-P', 'tsconfig.jest.json', MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, PROOFGATE_URL: issuer, MCP_SERVER_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const metadataUrl = `${new URL(url).origin}/.well-known/oauth-protected-resource/tools/mcp`;
      const ready = await printed(cli, `Protected resource metadata: ${metadataUrl}\n`, 30_000);
      expect({ ...ready, exited: cli.exitCode }).toMatchObject({ printed: true, exited: null });
      const res = await fetch(metadataUrl);
      expect(res.status).toBe(200);
      const metadata = await res.json();
      expect(metadata).toMatchObject({ resource: url, authorization_servers: [issuer] });
      expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    } finally {
      cli.kill('SIGTERM');
    }
    expect(await exitOf(cli)).toBe(0);
  }, 60_000);

  it('examples/mcp-server refuses to start on a port already taken (EADDRINUSE), leaving nothing half-started', async () => {
    const port = await freePort();
    const squatter = createServer((_req, res) => res.end('the other server'));
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await expect(
        startMcpServer({ issuer, resource: `http://127.0.0.1:${port}/mcp`, port }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  describe('the MCP server refuses', () => {
    const initialize = (authorization?: string, url = resource) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 'curl', version: '0' },
          },
        }),
      });
    const challenge = (metadataUrl: string) => `resource_metadata="${metadataUrl}"`;

    it('a request without a token, naming its RFC 9728 metadata (which names Proofgate)', async () => {
      const res = await initialize();
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(res.headers.get('www-authenticate')).toContain(challenge(mcp.resourceMetadataUrl));

      expect(mcp.resourceMetadataUrl).toBe(
        `${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp`,
      );
      const metadata = await fetch(mcp.resourceMetadataUrl);
      expect(metadata.status).toBe(200);
      expect(await metadata.json()).toMatchObject({ resource, authorization_servers: [issuer] });
    });

    it("an access token for Proofgate's own API (another audience)", async () => {
      const agent = request.agent(t.app.getHttpServer());
      await login(agent);
      const { code, verifier } = await obtainCode(agent);
      const issued = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
      const token = issued.body.access_token as string;
      expect(claimsOf(token).aud).toBe(t.config.tokens.audience);
      // Good where it belongs...
      await getMe(t, token).expect(200);

      // ...and refused by the MCP server.
      const res = await initialize(`Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: 'invalid_token',
        error_description: 'The access token is for another resource',
      });
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(res.headers.get('www-authenticate')).toContain(challenge(mcp.resourceMetadataUrl));
    });

    it("a request with 503 temporarily_unavailable, not 401, when Proofgate's keys cannot be fetched", async () => {
      // An issuer whose RFC 8414 document names a JWKS that nobody serves.
      const nowhere = `http://127.0.0.1:${await freePort()}/jwks.json`;
      const fakeIssuer = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ issuer: fakeIssuerUrl, jwks_uri: nowhere }));
      });
      const fakeIssuerUrl = `http://127.0.0.1:${await freePort()}`;
      await new Promise<void>((resolve) =>
        fakeIssuer.listen(Number(new URL(fakeIssuerUrl).port), '127.0.0.1', resolve),
      );
      const port = await freePort();
      const lonely = await startMcpServer({
        issuer: fakeIssuerUrl,
        resource: `http://127.0.0.1:${port}/mcp`,
        port,
      });
      try {
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const jwt = `${part({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })}.${part({ sub: 'x' })}.AAAA`;
        const res = await initialize(`Bearer ${jwt}`, lonely.resource);
        // The package's answer: not the client's fault, so no 401 that would send it to sign
        // in again; a 503 it may retry.
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(await res.json()).toEqual({
          error: 'temporarily_unavailable',
          error_description: "The authorization server's keys could not be read; try again shortly",
        });
      } finally {
        await lonely.close();
        await new Promise((resolve) => fakeIssuer.close(resolve));
      }
    });

    it('a password sign-in’s token where a passkey sign-in is required (RFC 9470): the client steps up with acr_values', async () => {
      const browser = request.agent(t.app.getHttpServer());
      await login(browser);
      const passkey = await addPasskeyOnAccountPage(browser, t.config.passkeys.origins[0]);
      const tokenOf = async (extra: Record<string, string> = {}) => {
        const { code, verifier } = await obtainCode(browser, {
          client_id: STEP_UP_CLIENT.id,
          redirect_uri: STEP_UP_CLIENT.redirectUri,
          resource: stepUpResource,
          ...extra,
        });
        const issued = await exchangeCode(
          t.app.getHttpServer(),
          code,
          verifier,
          STEP_UP_CLIENT,
        ).expect(200);
        return issued.body.access_token as string;
      };

      const weak = await initialize(`Bearer ${await tokenOf()}`, stepUpResource);
      expect(weak.status).toBe(401);
      const description =
        'This resource needs a sign-in of acr phr; authorize again with acr_values=phr';
      expect(await weak.json()).toEqual({
        error: 'insufficient_user_authentication',
        error_description: description,
      });
      const header = weak.headers.get('www-authenticate')!;
      expect(header).toBe(
        `Bearer error="insufficient_user_authentication", error_description="${description}", acr_values="phr", resource_metadata="${stepUpMcp.resourceMetadataUrl}"`,
      );

      // The client steps up: the acr_values the challenge names, at /authorize. The password
      // session is sent to the login page, which offers the passkey (acr_values is voluntary);
      // after it, the token carries acr phr.
      const acrValues = /acr_values="([^"]+)"/.exec(header)![1];
      const sent = await browser
        .get(
          `/authorize?response_type=code&client_id=${STEP_UP_CLIENT.id}&redirect_uri=${encodeURIComponent(STEP_UP_CLIENT.redirectUri)}&state=s&code_challenge=${'E'.repeat(43)}&code_challenge_method=S256&resource=${encodeURIComponent(stepUpResource)}&acr_values=${acrValues}`,
        )
        .expect(302);
      expect(sent.headers.location).toMatch(/^\/login\?.*&acr_preferred=phr$/);
      await passkeySignIn(browser, passkey);
      const strong = await tokenOf({ acr_values: acrValues });
      expect(claimsOf(strong)).toMatchObject({ acr: 'phr', aud: stepUpResource });
      expect((await initialize(`Bearer ${strong}`, stepUpResource)).status).toBe(200);
    });

    it('admits a hardware-bound passkey sign-in (acr phrh) where a passkey sign-in (phr) is required, by the order of acr values', async () => {
      // Signed by the service's own key, as its token endpoint signs one after a sign-in with a
      // passkey proven hardware-bound (test/acceptance/hardware-bound-passkeys).
      const tokenOf = async (acr: string) =>
        (
          await t.app.get(AccessTokenService).sign({
            audience: stepUpResource,
            sub: 'user1',
            clientId: STEP_UP_CLIENT.id,
            scope: 'openid',
            authMethod: 'passkey',
            grantId: randomUUID(),
            authTime: Math.floor(Date.now() / 1000),
            acr,
          })
        ).token;
      const hardware = await initialize(`Bearer ${await tokenOf('phrh')}`, stepUpResource);
      expect(hardware.status).toBe(200);
      // ...whereas a value the order does not know meets nothing.
      const unknown = await initialize(`Bearer ${await tokenOf('phrx')}`, stepUpResource);
      expect(unknown.status).toBe(401);
      expect(await unknown.json()).toMatchObject({ error: 'insufficient_user_authentication' });
    });

    it('a token that is not a Proofgate access token', async () => {
      const res = await initialize('Bearer not-a-jwt');
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: 'invalid_token',
        error_description: 'The access token is invalid',
      });
    });
  });
});
