import { Logger } from '@nestjs/common';
import { TestClock } from '../../../test/support/test-clock';
import { AppConfig } from '../../config/app-config';
import { TemporarilyUnavailable, TooManyRequests } from '../../platform/errors/protocol-error';
import {
  GuardedFetcher,
  OutboundFetchError,
  type FetchedDocument,
} from '../../platform/http/outbound/guarded-fetcher';
import { GRANT_TYPE_RULES } from '../../oauth/token/token-grants';
import {
  CLIENT_METADATA_DOCUMENT_LIMITS,
  ClientMetadataDocuments,
  checkClientIdUrl,
  documentCacheSeconds,
} from './client-metadata-documents.service';

describe('documentCacheSeconds (Cache-Control of a client metadata document)', () => {
  it.each([
    ['max-age=600', 600],
    ['public, max-age=3600', 3600],
    ['max-age="900"', 900],
    // Floor: a document is not fetched again on every request ...
    ['max-age=5', 300],
    ['max-age=0', 300],
    // ... and no-store / no-cache, or nothing, mean the floor too.
    ['no-store', 300],
    ['no-cache, max-age=600', 300],
    ['max-age=600, no-store', 300],
    [undefined, 300],
    ['', 300],
    // Cap: a changed document (a removed redirect URI) is seen within a day.
    ['max-age=31536000', 86_400],
    // s-maxage is for shared caches; a directive merely ending in max-age is not max-age.
    ['s-maxage=600', 300],
    ['x-max-age=600', 300],
  ])('%j → %d s', (header, seconds) => {
    expect(documentCacheSeconds(header)).toBe(seconds);
  });
});

describe('checkClientIdUrl (the draft rules, and port 443 only)', () => {
  it.each([
    ['https://app.example/client.json', true],
    ['https://app.example/a/client.json?v=1', true],
    [
      'https://app.example:8443/client.json',
      'client_id names port 8443: documents are fetched from port 443 only',
    ],
    [
      'https://app.example:25/client.json',
      'client_id names port 25: documents are fetched from port 443 only',
    ],
    // URL parsing drops the default port: the id would not be the URL fetched.
    ['https://app.example:443/client.json', 'client_id is not in normalised form'],
    ['https://app.example/', 'client_id has no path'],
  ])('%s', (clientId, expected) => {
    const checked = checkClientIdUrl(clientId, false);
    if (expected === true) expect(checked).toBeInstanceOf(URL);
    else expect(checked).toBe(expected);
  });

  it('allows any port with CLIENT_METADATA_ALLOW_PRIVATE (development and tests)', () => {
    expect(checkClientIdUrl('http://127.0.0.1:8080/client.json', true)).toBeInstanceOf(URL);
  });
});

describe('ClientMetadataDocuments: caps and failure caches', () => {
  const { maxFetchesPerHost, maxFirstFetchesPerClientAddress, failureCacheSeconds } =
    CLIENT_METADATA_DOCUMENT_LIMITS;
  const config = AppConfig.fromEnv({ MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate' });

  /** A fetcher whose every GET waits until the test settles it. */
  class HeldFetcher {
    readonly requests: { url: string; settle: (outcome: FetchedDocument | Error) => void }[] = [];
    get(url: URL): Promise<FetchedDocument> {
      return new Promise((resolve, reject) => {
        this.requests.push({
          url: url.href,
          settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
        });
      });
    }
    fetched(url: string): number {
      return this.requests.filter((request) => request.url === url).length;
    }
    /** Settles the latest request for `url`. */
    settle(url: string, outcome: FetchedDocument | Error): void {
      const request = this.requests.filter((r) => r.url === url).at(-1);
      if (!request) throw new Error(`no request for ${url}`);
      request.settle(outcome);
    }
  }

  /** The document of `clientId`: a web client's metadata, unless `metadata` says otherwise. */
  const documentOf = (
    clientId: string,
    metadata: object = { redirect_uris: ['https://app.example/cb'] },
  ): FetchedDocument => ({
    body: Buffer.from(JSON.stringify({ client_id: clientId, ...metadata })),
    contentType: 'application/json',
    cacheControl: undefined,
  });

  let fetcher: HeldFetcher;
  let clock: TestClock;
  let documents: ClientMetadataDocuments;
  // Every refusal logs a line (tested in the e2e spec); here they would only be noise.
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());
  beforeEach(() => {
    fetcher = new HeldFetcher();
    clock = new TestClock();
    documents = new ClientMetadataDocuments(
      fetcher as unknown as GuardedFetcher,
      config.clientMetadata,
      clock,
      config.server,
      { rules: GRANT_TYPE_RULES },
      config.resourceServers,
    );
  });

  /** A lookup of `url` whose fetch is answered with its document: what it finds. */
  async function served(url: string, metadata?: object) {
    const found = documents.find(url);
    fetcher.settle(url, documentOf(url, metadata));
    return found;
  }

  it(`fetches at most ${maxFetchesPerHost} documents from one host at once: past it 503, not remembered`, async () => {
    const held = Array.from({ length: maxFetchesPerHost }, (_, i) =>
      documents.find(`https://busy.example/${i}.json`),
    );
    const refused = await documents
      .find('https://busy.example/client.json')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TemporarilyUnavailable);
    expect(refused).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    expect(fetcher.requests).toHaveLength(maxFetchesPerHost);
    // Another host is not held up; a lookup joining a fetch under way takes no slot.
    const other = documents.find('https://other.example/client.json');
    const joined = documents.find('https://busy.example/0.json');
    expect(fetcher.requests).toHaveLength(maxFetchesPerHost + 1);

    fetcher.settle('https://busy.example/0.json', documentOf('https://busy.example/0.json'));
    fetcher.settle('https://other.example/client.json', new OutboundFetchError('HTTP status 404'));
    expect(await joined).toMatchObject({ clientId: 'https://busy.example/0.json' });
    expect(await held[0]).toBe(await joined);
    expect(await other).toBeNull();
    // A slot is free again, and the refusal left nothing behind: the document is fetched.
    expect(await served('https://busy.example/client.json')).toMatchObject({
      clientId: 'https://busy.example/client.json',
    });
  });

  it('remembers a host whose name does not resolve, for every URL on it, for 30 s', async () => {
    const first = documents.find('https://gone.example/a.json');
    fetcher.settle('https://gone.example/a.json', new OutboundFetchError('no answer', true));
    expect(await first).toBeNull();
    expect(await documents.find('https://gone.example/b.json')).toBeNull();
    expect(documents.admit('https://gone.example/c.json', '198.51.100.1')).toBeUndefined();
    expect(fetcher.requests).toHaveLength(1);

    clock.advance(failureCacheSeconds + 1);
    void documents.find('https://gone.example/b.json');
    expect(fetcher.fetched('https://gone.example/b.json')).toBe(1);
  });

  it('never lets a failing path make another document of the host unknown', async () => {
    // An attacker names paths of the victim's host that fail (404, a refused document).
    for (const path of ['missing', 'html', 'slow']) {
      const url = `https://victim.example/${path}.json`;
      const found = documents.find(url);
      fetcher.settle(url, new OutboundFetchError(`HTTP status 404`));
      expect(await found).toBeNull();
    }
    expect(await served('https://victim.example/client.json')).toMatchObject({
      clientId: 'https://victim.example/client.json',
    });
    // The failures are remembered for their own URLs only.
    expect(await documents.find('https://victim.example/missing.json')).toBeNull();
    expect(fetcher.fetched('https://victim.example/missing.json')).toBe(1);
  });

  it('keeps failures apart: any number of failing ids cannot push a good document out', async () => {
    const good = 'https://app.example/client.json';
    await served(good);
    for (let i = 0; i < 1_100; i += 1) {
      const url = `https://attacker${i}.example/client.json`;
      const failed = documents.find(url);
      fetcher.settle(
        url,
        new OutboundFetchError(i % 2 ? 'HTTP status 500' : 'no answer', i % 2 === 0),
      );
      await failed;
    }
    expect(await documents.find(good)).toMatchObject({ clientId: good });
    expect(fetcher.fetched(good)).toBe(1);
  });

  it(`admits ${maxFirstFetchesPerClientAddress} first-time fetches in flight per client address, then 429`, async () => {
    const address = '198.51.100.7';
    const slots = Array.from({ length: maxFirstFetchesPerClientAddress }, (_, i) =>
      documents.admit(`https://h${i}.example/client.json`, address),
    );
    expect(slots.every((slot) => typeof slot === 'function')).toBe(true);
    const refusal = (() => {
      try {
        documents.admit('https://h9.example/client.json', address);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(TooManyRequests);
    expect(refusal).toMatchObject({ status: 429, headers: { 'Retry-After': '5' } });
    // Another address is counted apart; what needs no fetch takes no slot.
    expect(documents.admit('https://h9.example/client.json', '203.0.113.9')).toBeDefined();
    expect(documents.admit('demo-client', address)).toBeUndefined();
    expect(documents.admit('https://h9.example:8443/client.json', address)).toBeUndefined();
    await served('https://h0.example/client.json');
    expect(documents.admit('https://h0.example/client.json', address)).toBeUndefined();
    // A released slot (released twice: no harm) admits the next one.
    slots[0]?.();
    slots[0]?.();
    expect(documents.admit('https://h9.example/client.json', address)).toBeDefined();
    expect(() => documents.admit('https://h10.example/client.json', address)).toThrow(
      TooManyRequests,
    );
  });

  it('reads a private_key_jwt machine client from its document: confidential, with its keys', async () => {
    const url = 'https://agent.example/client.json';
    const found = served(url, {
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://agent.example/jwks.json',
    });
    expect(await found).toMatchObject({
      clientId: url,
      type: 'confidential',
      redirectUris: [],
      grantTypes: ['client_credentials'],
      jwksUri: 'https://agent.example/jwks.json',
    });
    const secretUrl = 'https://agent.example/secret.json';
    const refused = served(secretUrl, {
      redirect_uris: ['https://app.example/cb'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(await refused).toBeNull();
  });

  it("reads a document's scope (RFC 7591 §2) as registration does: the values the server grants", async () => {
    const url = 'https://tool.example/client.json';
    const found = served(url, {
      redirect_uris: ['https://tool.example/cb'],
      scope: 'openid  mcp:tools profile',
    });
    expect(await found).toMatchObject({ clientId: url, scope: 'openid profile' });
    // An admin scope is never a document's to name: the document is refused.
    const admin = 'https://tool.example/admin.json';
    const refused = served(admin, {
      redirect_uris: ['https://tool.example/cb'],
      scope: 'openid admin:read',
    });
    expect(await refused).toBeNull();
  });
});
