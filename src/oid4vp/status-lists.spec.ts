import { Logger } from '@nestjs/common';
import { StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list';
import { CompactSign, type JWK, SignJWT, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { Oid4vpConfig, TrustedIssuer } from '../config/sections/oid4vp.config';
import type { ServerConfig } from '../config/sections/server.config';
import { Clock } from '../platform/clock/clock';
import {
  type FetchedDocument,
  GuardedFetcher,
  type GuardedFetchOptions,
  OutboundFetchError,
} from '../platform/http/outbound/guarded-fetcher';
import { HostResolver } from '../platform/http/outbound/host-resolver';
import { InvalidPresentation } from './oid4vp.errors';
import { StatusLists } from './status-lists';
import { TrustedIssuerKeys } from './trusted-issuer-keys';

const URI = 'https://issuer.example/statuslists/1';
const ISSUER = 'https://issuer.example';

class MovableClock extends Clock {
  ms = 1_800_000_000_000;
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** A fetcher whose answers the test gives one by one, counting what it was asked. */
class Answering extends GuardedFetcher {
  readonly asked: [URL, GuardedFetchOptions][] = [];
  private readonly waiting: {
    resolve: (answer: FetchedDocument) => void;
    reject: (error: Error) => void;
  }[] = [];
  constructor() {
    super(undefined as unknown as HostResolver);
  }
  override get(target: URL, options: GuardedFetchOptions): Promise<FetchedDocument> {
    this.asked.push([target, options]);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
  answer(body: string): void {
    this.waiting
      .shift()!
      .resolve({ body: Buffer.from(body), contentType: undefined, cacheControl: undefined });
  }
  fail(error: Error): void {
    this.waiting.shift()!.reject(error);
  }
}

interface Signer {
  readonly issuer: TrustedIssuer;
  readonly privateJwk: JWK;
}

async function newIssuer(issuer: string, kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
  return {
    issuer: { issuer, keys: { jwks: { keys: [publicJwk] } }, vct: ['urn:eudi:pid:1'] },
    privateJwk: { ...(await exportJWK(privateKey)), kid },
  };
}

/** Entry 1 revoked, the others valid; `claims` and `header` change what the token says. */
async function statusListToken(
  signer: Signer,
  nowSeconds: number,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const list = new StatusList([0, 1, 0, 0, 0, 0, 0, 0], 1);
  const made = createHeaderAndPayload(
    list,
    { iss: signer.issuer.issuer, sub: URI, iat: nowSeconds },
    { alg: 'ES256', typ: 'statuslist+jwt', kid: signer.privateJwk.kid },
  );
  return new SignJWT({ ...made.payload, ...claims })
    .setProtectedHeader({ ...made.header, alg: 'ES256', ...header })
    .sign(await importJWK(signer.privateJwk, 'ES256'));
}

describe('StatusLists', () => {
  let signer: Signer;
  let other: Signer;
  let fetcher: Answering;
  let clock: MovableClock;

  beforeAll(async () => {
    signer = await newIssuer(ISSUER, 'k1');
    other = await newIssuer('https://other.example', 'k2');
  });

  beforeEach(() => {
    fetcher = new Answering();
    clock = new MovableClock();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  function statusLists({
    maxAge = 300,
    production = false,
    allowPrivate,
  }: { maxAge?: number; production?: boolean; allowPrivate?: boolean } = {}) {
    const config = {
      trustedIssuers: [signer.issuer, other.issuer],
      statusListMaxAgeSeconds: maxAge,
      issuerAllowPrivate: allowPrivate ?? !production,
    } as unknown as Oid4vpConfig;
    const server = { isProduction: production } as ServerConfig;
    return new StatusLists(fetcher, new TrustedIssuerKeys(config, fetcher), config, server, clock);
  }

  const now = () => clock.nowSeconds();
  /** Lets the pending fetch's promise chain reach the fetcher (a verification is async). */
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  it('answers each entry of the list from one fetch, sent with the status list media type', async () => {
    const lists = statusLists();
    const first = lists.statusOf(URI, 1, signer.issuer);
    fetcher.answer(await statusListToken(signer, now(), { ttl: 60 }));
    await expect(first).resolves.toBe(1);
    await expect(lists.statusOf(URI, 0, signer.issuer)).resolves.toBe(0);
    expect(fetcher.asked).toHaveLength(1);
    const [target, options] = fetcher.asked[0];
    expect(target.href).toBe(URI);
    expect(options).toMatchObject({
      accept: 'application/statuslist+jwt',
      maxBytes: 1024 * 1024,
      allowPrivate: true,
    });
  });

  it('shares one fetch between presentations that need the same list at once (single flight)', async () => {
    const lists = statusLists();
    const waiting = [0, 1, 2].map((idx) => lists.statusOf(URI, idx, signer.issuer));
    await settled();
    expect(fetcher.asked).toHaveLength(1);
    fetcher.answer(await statusListToken(signer, now(), { ttl: 60 }));
    await expect(Promise.all(waiting)).resolves.toEqual([0, 1, 0]);
    expect(fetcher.asked).toHaveLength(1);
  });

  it('reuses a list for its ttl, then fetches it again', async () => {
    const lists = statusLists();
    const first = lists.statusOf(URI, 0, signer.issuer);
    fetcher.answer(await statusListToken(signer, now(), { ttl: 60 }));
    await first;
    clock.advance(59);
    await expect(lists.statusOf(URI, 0, signer.issuer)).resolves.toBe(0);
    expect(fetcher.asked).toHaveLength(1);
    clock.advance(1);
    const again = lists.statusOf(URI, 0, signer.issuer);
    await settled();
    expect(fetcher.asked).toHaveLength(2);
    fetcher.answer(await statusListToken(signer, now(), { ttl: 60 }));
    await expect(again).resolves.toBe(0);
  });

  it('reuses a list no longer than its exp, nor than the configured maximum', async () => {
    const lists = statusLists({ maxAge: 100 });
    const first = lists.statusOf(URI, 0, signer.issuer);
    fetcher.answer(await statusListToken(signer, now(), { ttl: 600, exp: now() + 30 }));
    await first;
    clock.advance(30);
    const afterExp = lists.statusOf(URI, 0, signer.issuer);
    await settled();
    expect(fetcher.asked).toHaveLength(2);
    fetcher.answer(await statusListToken(signer, now(), { ttl: 600 }));
    await afterExp;
    clock.advance(99);
    await lists.statusOf(URI, 0, signer.issuer);
    expect(fetcher.asked).toHaveLength(2);
    clock.advance(1);
    void lists.statusOf(URI, 0, signer.issuer).catch(() => undefined);
    await settled();
    expect(fetcher.asked).toHaveLength(3);
    fetcher.fail(new OutboundFetchError('done'));
  });

  it('fetches for every presentation when the maximum age is 0', async () => {
    const lists = statusLists({ maxAge: 0 });
    for (let i = 1; i <= 2; i++) {
      const status = lists.statusOf(URI, 1, signer.issuer);
      await settled();
      fetcher.answer(await statusListToken(signer, now(), { ttl: 60 }));
      await expect(status).resolves.toBe(1);
      expect(fetcher.asked).toHaveLength(i);
    }
  });

  it('refuses (revoked) when the fetch fails, and keeps no failure: the next presentation fetches again', async () => {
    const lists = statusLists();
    const failed = lists.statusOf(URI, 0, signer.issuer);
    await settled();
    fetcher.fail(new OutboundFetchError('larger than 1048576 bytes'));
    await expect(failed).rejects.toEqual(new InvalidPresentation('revoked'));
    expect(Logger.prototype.warn).toHaveBeenCalledWith(
      'status list of issuer.example unusable: larger than 1048576 bytes',
    );
    const retried = lists.statusOf(URI, 0, signer.issuer);
    await settled();
    fetcher.answer(await statusListToken(signer, now()));
    await expect(retried).resolves.toBe(0);
    expect(fetcher.asked).toHaveLength(2);
  });

  it.each([
    [
      'a sub of another list',
      { sub: `${URI}/other` },
      {},
      'its sub is not the URI it was fetched from',
    ],
    ['an exp passed', { exp: 1_799_999_999 }, {}, 'it is expired'],
    ['another typ', {}, { typ: 'JWT' }, 'its typ is not statuslist+jwt'],
  ])(
    'refuses (revoked) a list with %s, and does not keep it',
    async (_name, claims, header, why) => {
      const lists = statusLists();
      const refused = lists.statusOf(URI, 0, signer.issuer);
      fetcher.answer(await statusListToken(signer, now(), claims, header));
      await expect(refused).rejects.toEqual(new InvalidPresentation('revoked'));
      expect(Logger.prototype.warn).toHaveBeenCalledWith(
        `status list of issuer.example unusable: ${why}`,
      );
      void lists.statusOf(URI, 0, signer.issuer).catch(() => undefined);
      await settled();
      expect(fetcher.asked).toHaveLength(2);
      fetcher.fail(new OutboundFetchError('done'));
    },
  );

  it('refuses (revoked) a list whose payload names a member twice, naming it: another verifier may read the first', async () => {
    const lists = statusLists();
    const refused = lists.statusOf(URI, 1, signer.issuer);
    // The token's own payload (entry 1 revoked), then a second status_list: every entry valid.
    const token = await statusListToken(signer, now());
    const payload = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
    const allValid = new StatusList([0, 0, 0, 0, 0, 0, 0, 0], 1);
    const second = JSON.stringify({ bits: 1, lst: allValid.compressStatusList() });
    const twice = await new CompactSign(
      new TextEncoder().encode(payload.replace(/}$/, `,"status_list":${second}}`)),
    )
      .setProtectedHeader({ alg: 'ES256', typ: 'statuslist+jwt', kid: signer.privateJwk.kid })
      .sign(await importJWK(signer.privateJwk, 'ES256'));
    fetcher.answer(twice);
    await expect(refused).rejects.toEqual(new InvalidPresentation('revoked'));
    expect(Logger.prototype.warn).toHaveBeenCalledWith(
      'status list of issuer.example unusable: its payload names member "status_list" twice',
    );
  });

  it('keeps a list per issuer: a list another issuer signed never answers for this one', async () => {
    const lists = statusLists();
    const theirs = lists.statusOf(URI, 0, other.issuer);
    fetcher.answer(await statusListToken(other, now(), { ttl: 60 }));
    await expect(theirs).resolves.toBe(0);
    const ours = lists.statusOf(URI, 0, signer.issuer);
    await settled();
    expect(fetcher.asked).toHaveLength(2);
    fetcher.answer(await statusListToken(other, now(), { ttl: 60, iss: ISSUER }));
    await expect(ours).rejects.toEqual(new InvalidPresentation('revoked'));
  });

  it('refuses (revoked) an index past the end of the list', async () => {
    const lists = statusLists();
    const past = lists.statusOf(URI, 8, signer.issuer);
    fetcher.answer(await statusListToken(signer, now()));
    await expect(past).rejects.toEqual(new InvalidPresentation('revoked'));
  });

  it.each([
    ['only from public addresses', false],
    ['from private addresses too with OID4VP_ISSUER_ALLOW_PRIVATE', true],
  ])('in production, fetches https only, %s', async (_name, allowPrivate) => {
    const lists = statusLists({ production: true, ...(allowPrivate ? { allowPrivate } : {}) });
    await expect(lists.statusOf('http://127.0.0.1:8080/status', 0, signer.issuer)).rejects.toEqual(
      new InvalidPresentation('revoked'),
    );
    expect(fetcher.asked).toHaveLength(0);
    const status = lists.statusOf(URI, 0, signer.issuer);
    fetcher.answer(await statusListToken(signer, now()));
    await expect(status).resolves.toBe(0);
    expect(fetcher.asked[0][1].allowPrivate).toBe(allowPrivate);
  });
});
