import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../../../test/support/processes';
import { selfSignedCertificate } from '../../../../test/support/self-signed-certificate';
import { GuardedFetcher, OutboundFetchError, type GuardedFetchOptions } from './guarded-fetcher';
import { HostResolutionError, HostResolver } from './host-resolver';

/** Every name is 127.0.0.1: the https server below, whatever the URL's host. */
class LoopbackResolver extends HostResolver {
  resolve() {
    return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
  }
}

describe('GuardedFetcher: extra trusted CAs (CLIENT_METADATA_CA_FILE)', () => {
  const trusted = selfSignedCertificate(['docs.internal.example']);
  const stranger = selfSignedCertificate(['docs.internal.example']);
  let server: Server;
  let port: number;
  const fetcher = new GuardedFetcher(new LoopbackResolver());
  const options = (extraCaCertificates?: string[]): GuardedFetchOptions => ({
    maxBytes: 1024,
    timeoutMs: 5_000,
    allowPrivate: true,
    accept: 'application/json',
    ...(extraCaCertificates ? { extraCaCertificates } : {}),
  });

  beforeAll(async () => {
    server = createServer({ key: trusted.key, cert: trusted.cert }, (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const url = (host: string) => new URL(`https://${host}:${port}/client.json`);

  it('fetches from a server whose certificate the extra CAs vouch for', async () => {
    const fetched = await fetcher.get(url('docs.internal.example'), options([trusted.cert]));
    expect(fetched.body.toString()).toBe('{"ok":true}');
  });

  it("refuses it with Node's built-in roots only, or with another CA", async () => {
    await expect(fetcher.get(url('docs.internal.example'), options())).rejects.toThrow(
      new OutboundFetchError('connection failed (self-signed certificate)'),
    );
    await expect(
      fetcher.get(url('docs.internal.example'), options([stranger.cert])),
    ).rejects.toBeInstanceOf(OutboundFetchError);
  });

  it('still checks that the certificate names the host', async () => {
    await expect(fetcher.get(url('other.example'), options([trusted.cert]))).rejects.toThrow(
      /connection failed \(Hostname\/IP does not match certificate's altnames/,
    );
  });
});

describe('GuardedFetcher: which failures are the host alone (hostUnusable)', () => {
  class TableResolver extends HostResolver {
    resolve(hostname: string) {
      if (hostname === 'private.example') {
        return Promise.resolve([{ address: '10.0.0.1', family: 4 }]);
      }
      return Promise.reject(new HostResolutionError('ENOTFOUND'));
    }
  }
  const fetcher = new GuardedFetcher(new TableResolver());
  const options: GuardedFetchOptions = {
    maxBytes: 1024,
    timeoutMs: 5_000,
    allowPrivate: false,
    accept: 'application/json',
  };
  const failure = (url: string, allowPrivate = false) =>
    fetcher.get(new URL(url), { ...options, allowPrivate }).catch((e: unknown) => e);

  it('a name that does not resolve, or only to refused addresses: the host is unusable', async () => {
    expect(await failure('https://gone.example/client.json')).toEqual(
      new OutboundFetchError('the host name does not resolve (ENOTFOUND)', true),
    );
    expect(await failure('https://private.example/client.json')).toMatchObject({
      message: 'the host resolves to a non-public address (private)',
      hostUnusable: true,
    });
  });

  it('a scheme it does not fetch, or a failed connection: not the host as a whole', async () => {
    expect(await failure('ftp://gone.example/client.json')).toMatchObject({ hostUnusable: false });
    // Nothing listens on 127.0.0.1:9 (discard) here: the connection fails after resolving.
    expect(await failure('http://127.0.0.1:9/client.json', true)).toMatchObject({
      hostUnusable: false,
    });
  });
});

describe('GuardedFetcher: the time limit covers the whole exchange (a logout delivery never outlives its lease)', () => {
  const fetcher = new GuardedFetcher(new LoopbackResolver());
  let server: HttpServer;
  let port: number;

  beforeAll(async () => {
    // Answers 200 at once, then never ends the body: the status alone must not end the wait.
    server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('a');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });

  it('an answer whose body never ends is cut at timeoutMs', async () => {
    const timeoutMs = 200;
    const outcome = fetcher
      .postForm(new URL(`http://127.0.0.1:${port}/logout`), new URLSearchParams({ a: 'b' }), {
        maxBytes: 1024,
        timeoutMs,
        allowPrivate: true,
        accept: '*/*',
      })
      .catch((error: unknown) => error);
    // Far past the limit, on a loaded machine too: the attempt has settled, as a failure.
    const pending = Symbol('pending');
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      outcome,
      new Promise((resolve) => (timer = setTimeout(() => resolve(pending), 20 * timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    expect(settled).toEqual(new OutboundFetchError(`no answer within ${timeoutMs} ms`));
    // Told apart from a fast failure: the host held the request (a breaker may back it off).
    expect(settled).toMatchObject({ timedOut: true, hostUnusable: false });
  });
});

describe('GuardedFetcher.exchange: any status answered, for a library that reads error answers', () => {
  const fetcher = new GuardedFetcher(new LoopbackResolver());
  let server: HttpServer;
  let port: number;
  const seen: { method?: string; headers?: Record<string, unknown>; body?: string }[] = [];

  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/moved') {
          res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
          return;
        }
        res.writeHead(400, { 'content-type': 'application/json', 'x-extra': 'yes' });
        res.end('{"error":"invalid_grant"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const options: GuardedFetchOptions = {
    maxBytes: 1024,
    timeoutMs: 5_000,
    allowPrivate: true,
    accept: 'application/json',
  };

  it('sends the method, headers and body given, and answers a 400 with its headers and body', async () => {
    const answer = await fetcher.exchange(
      new URL(`http://127.0.0.1:${port}/token`),
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: 'Basic eA==',
        },
        body: 'grant_type=authorization_code',
      },
      options,
    );
    expect(answer.status).toBe(400);
    expect(answer.headers['x-extra']).toBe('yes');
    expect(JSON.parse(answer.body.toString())).toEqual({ error: 'invalid_grant' });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      headers: { authorization: 'Basic eA==', accept: 'application/json' },
      body: 'grant_type=authorization_code',
    });
  });

  it('answers a redirect as it is, never following it', async () => {
    const before = seen.length;
    const answer = await fetcher.exchange(
      new URL(`http://127.0.0.1:${port}/moved`),
      { method: 'GET', headers: {} },
      options,
    );
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe('http://169.254.169.254/latest/meta-data');
    expect(seen.length).toBe(before + 1);
  });

  it('keeps the guard: a scheme it does not fetch is refused before any connection', async () => {
    await expect(
      fetcher.exchange(
        new URL(`http://127.0.0.1:${port}/token`),
        { method: 'GET', headers: {} },
        { ...options, allowPrivate: false },
      ),
    ).rejects.toThrow(new OutboundFetchError('scheme http: is not fetched'));
  });
});

describe('GuardedFetcher: a settled exchange leaves nothing waiting on its time limit', () => {
  // Node keeps a timeout signal with an abort listener, and whatever the listener reaches, for the
  // whole time limit: each exchange's listeners must be gone once it has settled.
  let server: HttpServer;
  let port: number;
  const deadlines: AbortSignal[] = [];
  let timeouts: jest.SpiedFunction<typeof AbortSignal.timeout> | undefined;

  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const timeout = AbortSignal.timeout.bind(AbortSignal);
    timeouts = jest.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => {
      const signal = timeout(ms);
      deadlines.push(signal);
      return signal;
    });
  });
  afterAll(() => {
    timeouts?.mockRestore();
    return new Promise((resolve) => server.close(resolve));
  });

  const options: GuardedFetchOptions = {
    maxBytes: 1024,
    timeoutMs: 60_000,
    allowPrivate: true,
    accept: 'application/json',
  };
  /**
   * The abort listeners left on the time limit of the exchange `exchange` runs, once the
   * request's own (Node's, removed as its socket closes, a moment after the answer) are gone:
   * waited for up to 2 s.
   */
  async function listenersLeftBy(exchange: () => Promise<unknown>): Promise<number> {
    const before = deadlines.length;
    await exchange().catch(() => undefined);
    expect(deadlines).toHaveLength(before + 1);
    const deadline = deadlines[before];
    expect(deadline.aborted).toBe(false);
    return waitFor(
      () => Promise.resolve(getEventListeners(deadline, 'abort').length),
      (left) => left === 0,
      2_000,
    );
  }

  it('after an answer, a refused status and a host that does not resolve', async () => {
    const loopback = new GuardedFetcher(new LoopbackResolver());
    const nowhere = new GuardedFetcher(
      new (class extends HostResolver {
        resolve() {
          return Promise.reject(new HostResolutionError('ENOTFOUND'));
        }
      })(),
    );
    const answered = () => loopback.get(new URL(`http://127.0.0.1:${port}/doc`), options);
    const refused = () => loopback.get(new URL(`http://127.0.0.1:${port}/missing`), options);
    const unresolved = () => nowhere.get(new URL('http://nowhere.example/doc'), options);
    await expect(answered()).resolves.toMatchObject({ contentType: 'application/json' });
    await expect(refused()).rejects.toThrow(new OutboundFetchError('HTTP status 404'));
    expect(await listenersLeftBy(answered)).toBe(0);
    expect(await listenersLeftBy(refused)).toBe(0);
    expect(await listenersLeftBy(unresolved)).toBe(0);
  });
});
