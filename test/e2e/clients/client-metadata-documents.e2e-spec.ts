/**
 * Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document): a client_id that
 * is a URL names the client's metadata, served here by a local HTTP server. With
 * CLIENT_METADATA_ALLOW_PRIVATE on (tests only) the document is fetched from 127.0.0.1 and the
 * client runs the whole flow with oauth4webapi; with it off, the SSRF guard refuses internal
 * addresses without connecting, whatever the (stubbed) resolver answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { CIBA_GRANT_TYPE } from '../../../src/protocol-rules/grant-types';
import { ClientRegistry } from '../../../src/clients/client-registry.service';
import {
  HostResolver,
  type ResolvedAddress,
} from '../../../src/platform/http/outbound/host-resolver';
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { adminCli } from '../../support/admin-cli';
import { CapturedLog } from '../../support/captured-log';
import { preflight } from '../../support/cors';
import { authorizeWithConsent } from '../../support/fetch-browser';
import { pkcePair } from '../../support/oauth';
import { TestApp, createTestApp, startListeningApp } from '../../support/test-app';
import { authorizationRequest, discover } from '../../support/oauth-discovery';
import { expectRefreshGrantRefused, madeUpCodeGrant, register } from '../../support/registration';
import { expectRefusal } from '../../support/refusal';

const CALLBACK = 'http://127.0.0.1:61234/callback';
/** One for the file: each of its apps writes here (the newest app's logger takes Nest's lines). */
const log = new CapturedLog();
const refusals = (from = 0) =>
  log
    .records()
    .slice(from)
    .map((record) => String(record.msg))
    .filter((msg) => msg.startsWith('Client metadata document'));

/** Answers from a table; names it does not know do not resolve. Records every question. */
class StubResolver extends HostResolver {
  readonly asked: string[] = [];
  constructor(private readonly answers: Record<string, string[]>) {
    super();
  }
  resolve(hostname: string): Promise<ResolvedAddress[]> {
    this.asked.push(hostname);
    // A DNS server that never answers.
    if (hostname === 'hang.example') return new Promise(() => undefined);
    const addresses = this.answers[hostname];
    if (!addresses) return Promise.reject(new Error(`ENOTFOUND ${hostname}`));
    return Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }
}

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** The client's side: a web server publishing metadata documents, counting requests per path. */
class DocumentServer {
  readonly hits = new Map<string, number>();
  readonly routes = new Map<string, Route>();
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      const route = this.routes.get(path);
      if (route) route(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  json(path: string, document: unknown, headers: Record<string, string> = {}): void {
    this.routes.set(path, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(document));
    });
  }
}

function documentFor(clientId: string, extra: Record<string, unknown> = {}) {
  return {
    client_id: clientId,
    client_name: 'Document Client',
    redirect_uris: [CALLBACK],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    ...extra,
  };
}

describe('client ID metadata documents, private addresses allowed (tests only)', () => {
  const docs = new DocumentServer();
  let t: TestApp;
  let issuer: string;
  let resolver: StubResolver;
  const url = (path: string) => `http://127.0.0.1:${docs.port}${path}`;
  const find = (clientId: string) => t.app.get(ClientRegistry).find(clientId);

  beforeAll(async () => {
    await docs.start();
    resolver = new StubResolver({ 'docs.example': ['127.0.0.1'] });
    ({ t, issuer } = await startListeningApp(
      { CLIENT_METADATA_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'warn' },
      '127.0.0.1',
      [
        [HostResolver, resolver],
        [LogDestination, log],
      ],
    ));
  });
  afterAll(async () => {
    await t.close();
    await docs.stop();
  });

  it('advertises client_id_metadata_document_supported', async () => {
    const res = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
    expect(res.body.client_id_metadata_document_supported).toBe(true);
  });

  it('runs the code + PKCE flow for a client known only by its document (oauth4webapi)', async () => {
    const clientId = url('/client.json');
    docs.json('/client.json', documentFor(clientId), { 'cache-control': 'max-age=3600' });
    const as = await discover(issuer);
    // Its ID tokens RS256 (OpenID Connect Registration §2's default: the document names no alg),
    // which oauth4webapi expects unless told otherwise.
    const client: oauth.Client = { client_id: clientId };
    const authorization = await authorizationRequest(as, client, CALLBACK, { scope: 'openid' });

    const { callback, consentPage } = await authorizeWithConsent(authorization.url, issuer);
    // The user sees the document's name and the URL (its host) it came from.
    expect(consentPage).toContain('Document Client');
    expect(consentPage).toContain(`127.0.0.1:${docs.port}`);
    const tokens = await authorization.redeem(callback, { requireIdToken: true });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ aud: clientId, sub: 'user1' });
    // Fetched once for /authorize, consent and /token alike: the cache answered the rest.
    expect(docs.hits.get('/client.json')).toBe(1);
  });

  it("enforces the document's grant_types at /token: without refresh_token, a refresh is unauthorized_client", async () => {
    const clientId = url('/code-only.json');
    // RFC 7591 §2: grant_types defaults to authorization_code alone.
    docs.json('/code-only.json', documentFor(clientId, { grant_types: undefined }));
    await expectRefreshGrantRefused(t, clientId);
    expect((await find(clientId))?.grantTypes).toEqual(['authorization_code']);
  });

  it('connects to the address it resolved and checked, never resolving the name again', async () => {
    const clientId = `http://docs.example:${docs.port}/pinned.json`;
    let hostHeader: string | undefined;
    docs.routes.set('/pinned.json', (req, res) => {
      hostHeader = req.headers.host;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(documentFor(clientId)));
    });
    // docs.example exists only in the stub: the connection went where the stub said.
    expect(await find(clientId)).toMatchObject({ clientId, name: 'Document Client' });
    expect(resolver.asked).toContain('docs.example');
    expect(hostHeader).toBe(`docs.example:${docs.port}`);
  });

  describe('an unusable document makes the client unknown', () => {
    /** Unknown client, and the log line says why (with the host, never the document). */
    const refusedAt = async (path: string, reason: string) => {
      const clientId = url(path);
      const before = log.lines.length;
      expect(await find(clientId)).toBeNull();
      const lines = refusals(before);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(
        `Client metadata document from 127.0.0.1:${docs.port} refused: ${reason}`,
      );
      return clientId;
    };

    it('refuses a document naming another client_id: a 400 page at /authorize, invalid_client at /token', async () => {
      const clientId = url('/mismatch.json');
      docs.json('/mismatch.json', {
        ...documentFor(url('/someone-else.json')),
        note: 'internal-secret-value-7f3a',
      });
      const { challenge } = pkcePair();
      const res = await t
        .http()
        .get('/authorize')
        .query({
          client_id: clientId,
          redirect_uri: CALLBACK,
          response_type: 'code',
          state: 'abc',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        })
        .expect(400);
      // Never a redirect to a URI the client could not prove it owns.
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('Unknown client_id');

      const token = await madeUpCodeGrant(t, clientId, CALLBACK);
      expectRefusal(token, 401, 'invalid_client', 'Client authentication failed');

      // The log names the host and the reason, never the document.
      const lines = refusals();
      expect(lines.some((line) => line.includes(`127.0.0.1:${docs.port}`))).toBe(true);
      expect(lines.some((line) => line.includes('the document names another client_id'))).toBe(
        true,
      );
      expect(log.lines.join('\n')).not.toContain('internal-secret-value-7f3a');
    });

    it('refuses a confidential client, a secret, and redirect URIs the rules refuse', async () => {
      docs.json(
        '/confidential.json',
        documentFor(url('/confidential.json'), {
          token_endpoint_auth_method: 'client_secret_basic',
        }),
      );
      docs.json('/secret.json', documentFor(url('/secret.json'), { client_secret: 'shh' }));
      docs.json(
        '/evil.json',
        documentFor(url('/evil.json'), { redirect_uris: ['http://evil.example/cb'] }),
      );
      await refusedAt(
        '/confidential.json',
        'token_endpoint_auth_method must be "none" or "private_key_jwt"',
      );
      await refusedAt('/secret.json', 'the document contains a client secret');
      await refusedAt(
        '/evil.json',
        'redirect_uris[0] may use http only on a loopback host (127.0.0.1, [::1] or localhost); use https',
      );
    });

    it('refuses the CIBA grant: a document anyone can publish never asks a person (the operator registers such agents)', async () => {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      docs.json(
        '/agent.json',
        documentFor(url('/agent.json'), {
          redirect_uris: [],
          response_types: [],
          grant_types: [CIBA_GRANT_TYPE, 'refresh_token'],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' }] },
        }),
      );
      const clientId = await refusedAt(
        '/agent.json',
        `grant_types may not hold ${CIBA_GRANT_TYPE}: only a client the operator registers may`,
      );
      // Its key's assertion is as good as any: the client is still unknown, and asks nobody.
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({
        iss: clientId,
        sub: clientId,
        aud: issuer,
        jti: randomUUID(),
      })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(privateKey);
      const asked = await t.http().post('/backchannel').type('form').send({
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: 'openid',
        login_hint: 'user1',
      });
      expectRefusal(asked, 401, 'invalid_client', 'Client authentication failed');
    });

    it('refuses a document over 5 KB, declared or streamed', async () => {
      const padding = 'x'.repeat(6 * 1024);
      docs.json('/big.json', documentFor(url('/big.json'), { padding }));
      docs.routes.set('/streamed.json', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(JSON.stringify(documentFor(url('/streamed.json'))).slice(0, -1));
        res.write(`,"padding":"${padding}"}`);
        res.end();
      });
      await refusedAt('/big.json', 'larger than 5120 bytes');
      await refusedAt('/streamed.json', 'larger than 5120 bytes');
    });

    it('gives up on a server slower than 5 s', async () => {
      docs.routes.set('/slow.json', (_req, res) => {
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(documentFor(url('/slow.json'))));
        }, 7_000).unref();
      });
      const started = Date.now();
      await refusedAt('/slow.json', 'no answer within 5000 ms');
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(4_900);
      expect(elapsed).toBeLessThan(6_500);
    }, 15_000);

    it('does not follow redirects', async () => {
      docs.json('/target.json', documentFor(url('/redirect.json')));
      docs.routes.set('/redirect.json', (_req, res) => {
        res.writeHead(302, { location: '/target.json' }).end();
      });
      await refusedAt('/redirect.json', 'redirect (302) not followed');
      expect(docs.hits.get('/target.json')).toBeUndefined();
    });

    it('refuses a document that is not JSON', async () => {
      docs.routes.set('/html.json', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>');
      });
      await refusedAt('/html.json', 'the document is not application/json');
    });

    it('refuses a document that names a member twice, naming it: its other readers may keep the first', async () => {
      const clientId = url('/twice.json');
      const text = JSON.stringify(documentFor(clientId));
      docs.routes.set('/twice.json', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text.replace('{', '{"redirect_uris":["https://elsewhere.example/cb"],'));
      });
      await refusedAt('/twice.json', 'the document names member "redirect_uris" twice');
      // The same document, each member once, is a client.
      docs.json('/once.json', documentFor(url('/once.json')));
      expect(await find(url('/once.json'))).not.toBeNull();
    });
  });

  describe('caching', () => {
    it('keeps a document for its max-age, then fetches it again', async () => {
      const clientId = url('/cached.json');
      docs.json('/cached.json', documentFor(clientId), { 'cache-control': 'public, max-age=600' });
      // Checked to the second: the fetch's real time must not eat the margin on a loaded machine.
      t.clock.freeze();
      try {
        expect(await find(clientId)).not.toBeNull();
        t.clock.advance(599);
        expect(await find(clientId)).not.toBeNull();
        expect(docs.hits.get('/cached.json')).toBe(1);
        t.clock.advance(2);
        docs.json('/cached.json', documentFor(clientId, { client_name: 'Renamed' }));
        expect(await find(clientId)).toMatchObject({ name: 'Renamed' });
        expect(docs.hits.get('/cached.json')).toBe(2);
      } finally {
        t.clock.thaw();
      }
    });

    it('keeps a document at least 5 minutes, whatever a shorter max-age says', async () => {
      const clientId = url('/short.json');
      docs.json('/short.json', documentFor(clientId), { 'cache-control': 'max-age=5' });
      await find(clientId);
      t.clock.advance(60);
      await find(clientId);
      expect(docs.hits.get('/short.json')).toBe(1);
      t.clock.advance(241);
      await find(clientId);
      expect(docs.hits.get('/short.json')).toBe(2);
    });

    it('remembers a failure for 30 seconds only', async () => {
      const clientId = url('/flaky.json');
      docs.routes.set('/flaky.json', (_req, res) => res.writeHead(500).end());
      expect(await find(clientId)).toBeNull();
      docs.json('/flaky.json', documentFor(clientId));
      expect(await find(clientId)).toBeNull();
      expect(docs.hits.get('/flaky.json')).toBe(1);
      t.clock.advance(31);
      expect(await find(clientId)).toMatchObject({ clientId });
      expect(docs.hits.get('/flaky.json')).toBe(2);
    });
  });
});

describe('client ID metadata documents: the SSRF guard (private addresses not allowed)', () => {
  let t: TestApp;
  let trapPort: number;
  let connections = 0;
  const lastReason = () => refusals().at(-1);
  const trap = createTcpServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  const resolver = new StubResolver({
    'internal.example': ['10.1.2.3'],
    'metadata.example': ['169.254.169.254'],
    'mixed.example': ['93.184.216.34', '127.0.0.1'],
    'loopback6.example': ['::1'],
    'mapped.example': ['::ffff:127.0.0.1'],
  });
  const find = (clientId: string) => t.app.get(ClientRegistry).find(clientId);

  beforeAll(async () => {
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapPort = (trap.address() as AddressInfo).port;
    t = await createTestApp({ LOG_LEVEL: 'warn' }, [
      [HostResolver, resolver],
      [LogDestination, log],
    ]);
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => trap.close(resolve));
  });

  it.each([
    ['https://127.0.0.1/client.json', 'loopback'],
    ['https://10.0.0.1/client.json', 'private'],
    ['https://169.254.169.254/latest/meta-data/client.json', 'link-local'],
    ['https://[::1]/client.json', 'loopback'],
    ['https://[::ffff:7f00:1]/client.json', 'IPv4-mapped loopback'],
    ['https://100.64.0.1/client.json', 'shared (CGNAT)'],
  ])('refuses an IP literal that is not public, before connecting: %s', async (clientId, kind) => {
    expect(await find(clientId)).toBeNull();
    // The address check comes before any connection (the reason says which check refused).
    expect(lastReason()).toContain(`refused: the host resolves to a non-public address (${kind})`);
  });

  it('fetches from port 443 only: another port is refused before resolving or connecting', async () => {
    const asked = resolver.asked.length;
    for (const clientId of [
      `https://127.0.0.1:${trapPort}/client.json`,
      `https://internal.example:${trapPort}/client.json`,
      'https://docs.example:8443/client.json',
    ]) {
      expect(await find(clientId)).toBeNull();
      expect(lastReason()).toMatch(
        /refused: client_id names port \d+: documents are fetched from port 443 only$/,
      );
    }
    expect(resolver.asked).toHaveLength(asked);
    expect(connections).toBe(0);
  });

  it.each([
    'internal.example',
    'metadata.example',
    'mixed.example',
    'loopback6.example',
    'mapped.example',
  ])('refuses %s: one of its addresses is not public; nothing is connected to', async (host) => {
    expect(await find(`https://${host}/client.json`)).toBeNull();
    expect(resolver.asked).toContain(host);
    expect(lastReason()).toContain('refused: the host resolves to a non-public address');
  });

  it('gives up on a host name that does not resolve within 5 s', async () => {
    const started = Date.now();
    expect(await find('https://hang.example/client.json')).toBeNull();
    expect(Date.now() - started).toBeLessThan(6_500);
    expect(lastReason()).toBe(
      'Client metadata document from hang.example refused: no answer within 5000 ms',
    );
  }, 15_000);

  it('does not fetch http URLs: an http client_id is just an unknown client', async () => {
    const asked = resolver.asked.length;
    expect(await find(`http://internal.example:${trapPort}/client.json`)).toBeNull();
    expect(resolver.asked).toHaveLength(asked);
    expect(connections).toBe(0);
  });

  it('refuses client_id URLs the draft does not allow before resolving anything', async () => {
    const asked = resolver.asked.length;
    for (const clientId of [
      'https://internal.example',
      'https://internal.example/',
      'https://user@internal.example/client.json',
      'https://internal.example/a/../client.json',
      'https://internal.example/client.json#frag',
      'https://INTERNAL.example/client.json',
    ]) {
      expect(await find(clientId)).toBeNull();
      expect(lastReason()).toMatch(/refused: client_id (has|is not)/);
    }
    expect(resolver.asked).toHaveLength(asked);
  });
});

describe('client ID metadata documents switched off', () => {
  it('treats an https client_id as an unknown id and advertises nothing', async () => {
    const resolver = new StubResolver({ 'docs.example': ['93.184.216.34'] });
    const t = await createTestApp({ CLIENT_METADATA_DOCUMENTS: 'false' }, [
      [HostResolver, resolver],
    ]);
    try {
      expect(await t.app.get(ClientRegistry).find('https://docs.example/client.json')).toBeNull();
      expect(resolver.asked).toEqual([]);
      const res = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
      expect(res.body.client_id_metadata_document_supported).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe('a browser-based client known by its document calls /token from its own origin (CORS)', () => {
  const docs = new DocumentServer();
  const SPA_ORIGIN = 'https://spa.example';
  const IDLE_DAYS = 3;
  // No cached CORS decisions: each preflight reads the origin index.
  const env = {
    CLIENT_METADATA_ALLOW_PRIVATE: 'true',
    CLIENT_CACHE_TTL_SECONDS: '0',
    REGISTERED_CLIENT_IDLE_TTL_DAYS: String(IDLE_DAYS),
  };
  let a: TestApp;
  let b: TestApp;
  const clientId = () => `http://127.0.0.1:${docs.port}/spa.json`;
  const allowedOrigin = async (t: TestApp, origin = SPA_ORIGIN) =>
    (await preflight(t, '/token', origin, 'content-type, dpop')).headers[
      'access-control-allow-origin'
    ];
  /** What the SPA does first: it sends the user to /authorize with its client_id. */
  const authorize = (t: TestApp) => {
    const { challenge } = pkcePair();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId(),
      redirect_uri: `${SPA_ORIGIN}/callback`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'state-1',
    });
    return t.http().get(`/authorize?${query.toString()}`);
  };

  beforeAll(async () => {
    await docs.start();
    docs.json('/spa.json', documentFor(clientId(), { redirect_uris: [`${SPA_ORIGIN}/callback`] }), {
      'cache-control': 'max-age=60',
    });
    // Two instances on one database: the second never fetches the document.
    a = await createTestApp(env);
    b = await createTestApp(env);
  });
  afterAll(async () => {
    await b.close({ dropDatabase: false });
    await a.close();
    await docs.stop();
  });

  it('answers its redirect origin once the document was used, on every instance', async () => {
    expect(await allowedOrigin(a)).toBeUndefined();
    expect(await allowedOrigin(b)).toBeUndefined();

    // The user is sent on to sign in: the document was fetched and is usable.
    expect((await authorize(a)).status).toBe(302);
    expect(docs.hits.get('/spa.json')).toBe(1);

    expect(await allowedOrigin(a)).toBe(SPA_ORIGIN);
    expect(await allowedOrigin(b)).toBe(SPA_ORIGIN);
    // Its proof of possession too (RFC 9449), and nothing for another origin.
    const pre = await preflight(b, '/token', SPA_ORIGIN, 'content-type, dpop');
    expect(pre.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, DPoP');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    expect(await allowedOrigin(b, 'https://other.example')).toBeUndefined();
  });

  it('keeps it while a stored client with the same origin comes and goes', async () => {
    const registered = await register(a, {
      redirect_uris: [`${SPA_ORIGIN}/elsewhere`],
      token_endpoint_auth_method: 'none',
    }).expect(201);
    const removed = await adminCli(a, ['clients', 'remove', registered.body.client_id as string]);
    expect(removed.code).toBe(0);
    expect(await allowedOrigin(b)).toBe(SPA_ORIGIN);
  });

  it('lets it go REGISTERED_CLIENT_IDLE_TTL_DAYS after the last use, as a registered client', async () => {
    for (const t of [a, b]) t.clock.advance(IDLE_DAYS * 86_400 - 60);
    expect(await allowedOrigin(b)).toBe(SPA_ORIGIN);
    for (const t of [a, b]) t.clock.advance(120);
    expect(await allowedOrigin(a)).toBeUndefined();
    expect(await allowedOrigin(b)).toBeUndefined();
  });
});
