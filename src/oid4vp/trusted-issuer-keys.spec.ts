import { webcrypto } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import * as x509 from '@peculiar/x509';
import { CompactSign, exportJWK, type JWK } from 'jose';
import { selfSignedCertificate } from '../../test/support/self-signed-certificate';
import type { Oid4vpConfig, TrustedIssuer } from '../config/sections/oid4vp.config';
import { GuardedFetcher } from '../platform/http/outbound/guarded-fetcher';
import { HostResolver } from '../platform/http/outbound/host-resolver';
import { TrustedIssuerKeys } from './trusted-issuer-keys';

const P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const ISSUER = 'https://pid.example/issuer';
const DAY = 86_400_000;

type Keys = webcrypto.CryptoKeyPair;
const newKeys = () => webcrypto.subtle.generateKey(P256, true, ['sign', 'verify']);

interface Issued {
  readonly name: string;
  readonly keys: Keys;
  readonly certificate: x509.X509Certificate;
}

interface Options {
  readonly ca?: boolean;
  readonly pathLength?: number;
  readonly usages?: x509.KeyUsageFlags;
  readonly san?: ReadonlyArray<{ type: 'url' | 'dns'; value: string }>;
  readonly notAfter?: Date;
}

/** A certificate named `name`, issued by `by` (self-signed without it), with the extensions asked. */
async function issue(name: string, by: Issued | undefined, options: Options = {}): Promise<Issued> {
  const keys = await newKeys();
  const extensions: x509.Extension[] = [];
  if (options.ca !== undefined) {
    extensions.push(new x509.BasicConstraintsExtension(options.ca, options.pathLength, true));
  }
  if (options.usages !== undefined) extensions.push(new x509.KeyUsagesExtension(options.usages));
  if (options.san !== undefined) {
    extensions.push(new x509.SubjectAlternativeNameExtension(options.san.map((n) => ({ ...n }))));
  }
  const certificate = await x509.X509CertificateGenerator.create(
    {
      subject: `CN=${name}`,
      issuer: `CN=${by?.name ?? name}`,
      publicKey: keys.publicKey,
      signingKey: (by?.keys ?? keys).privateKey,
      notBefore: new Date(Date.now() - DAY),
      notAfter: options.notAfter ?? new Date(Date.now() + DAY),
      signingAlgorithm: P256,
      extensions,
    },
    webcrypto,
  );
  return { name, keys, certificate };
}

const CA = { ca: true, usages: x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign };
const SIGNER = {
  ca: false,
  usages: x509.KeyUsageFlags.digitalSignature,
  san: [{ type: 'url' as const, value: ISSUER }],
};

/** A JWS over `{ iss }` signed by `leaf`'s key, carrying `chain` (leaf first) as x5c. */
async function signedBy(leaf: Issued, chain: readonly Issued[]): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify({ iss: ISSUER })))
    .setProtectedHeader({
      alg: 'ES256',
      x5c: chain.map((c) => Buffer.from(c.certificate.rawData).toString('base64')),
    })
    .sign(leaf.keys.privateKey);
}

/** A root, an issuing CA under it, and an issuer trusted under that root alone. */
async function pki() {
  const root = await issue('Root', undefined, CA);
  const trusted: TrustedIssuer = {
    issuer: ISSUER,
    keys: { x5cRoots: [root.certificate.toString('pem')] },
    vct: ['urn:eudi:pid:1'],
  };
  return {
    root,
    intermediate: await issue('Issuing CA', root, CA),
    trusted,
    keys: new TrustedIssuerKeys(
      { trustedIssuers: [trusted] } as unknown as Oid4vpConfig,
      // x5c_roots never fetch.
      {} as GuardedFetcher,
    ),
  };
}

describe('TrustedIssuerKeys: an issuer trusted by x5c_roots (RFC 5280 §6.1, SD-JWT VC issuer keys)', () => {
  let root: Issued;
  let intermediate: Issued;
  let keys: TrustedIssuerKeys;
  let trusted: TrustedIssuer;

  beforeAll(async () => ({ root, intermediate, keys, trusted } = await pki()));

  const verdict = (jws: string) =>
    keys.verify(jws, trusted).then(
      () => 'verified',
      (error: Error) => error.message,
    );

  it('verifies a leaf under an issuing CA under the root, naming the issuer by URI', async () => {
    const leaf = await issue('Signer', intermediate, SIGNER);
    expect(await verdict(await signedBy(leaf, [leaf, intermediate]))).toBe('verified');
  });

  it('takes a dNSName naming the host of an https iss (HAIP)', async () => {
    const leaf = await issue('Signer', intermediate, {
      ...SIGNER,
      san: [{ type: 'dns', value: 'PID.example' }],
    });
    expect(await verdict(await signedBy(leaf, [leaf, intermediate]))).toBe('verified');
  });

  it('refuses a leaf that names another issuer, or none', async () => {
    for (const san of [[{ type: 'url' as const, value: 'https://other.example' }], []]) {
      const leaf = await issue('Signer', intermediate, { ...SIGNER, san });
      expect(await verdict(await signedBy(leaf, [leaf, intermediate]))).toBe(
        'the x5c leaf does not name the issuer',
      );
    }
  });

  it('refuses a chain through an end-entity certificate (not a CA), or a CA that may not sign certificates', async () => {
    for (const options of [
      { ca: false, usages: x509.KeyUsageFlags.digitalSignature },
      {},
      { ca: true, usages: x509.KeyUsageFlags.digitalSignature },
    ]) {
      const notCa = await issue('Someone', root, options);
      const leaf = await issue('Signer', notCa, SIGNER);
      expect(await verdict(await signedBy(leaf, [leaf, notCa]))).toBe(
        'an x5c intermediate is not a CA certificate',
      );
    }
  });

  it('refuses an expired certificate anywhere in the chain', async () => {
    const past = new Date(Date.now() - 1000);
    const expiredCa = await issue('Old CA', root, { ...CA, notAfter: past });
    const leaf = await issue('Signer', expiredCa, SIGNER);
    expect(await verdict(await signedBy(leaf, [leaf, expiredCa]))).toBe(
      'a certificate of x5c is not valid now',
    );
    const expiredLeaf = await issue('Signer', intermediate, { ...SIGNER, notAfter: past });
    expect(await verdict(await signedBy(expiredLeaf, [expiredLeaf, intermediate]))).toBe(
      'a certificate of x5c is not valid now',
    );
  });

  it('refuses a path longer than a pathLenConstraint allows', async () => {
    const zero = await issue('CA with pathLen 0', root, { ...CA, pathLength: 0 });
    const below = await issue('Sub-CA', zero, CA);
    const leaf = await issue('Signer', below, SIGNER);
    expect(await verdict(await signedBy(leaf, [leaf, below, zero]))).toBe(
      'x5c is longer than a pathLenConstraint allows',
    );
    const direct = await issue('Signer', zero, SIGNER);
    expect(await verdict(await signedBy(direct, [direct, zero]))).toBe('verified');
  });

  it('refuses a CA certificate as the leaf, and a leaf that may not sign', async () => {
    const caLeaf = await issue('Signer', intermediate, { ...SIGNER, ca: true });
    expect(await verdict(await signedBy(caLeaf, [caLeaf, intermediate]))).toBe(
      'the x5c leaf is a CA certificate',
    );
    const encipherOnly = await issue('Signer', intermediate, {
      ...SIGNER,
      usages: x509.KeyUsageFlags.keyEncipherment,
    });
    expect(await verdict(await signedBy(encipherOnly, [encipherOnly, intermediate]))).toBe(
      'the x5c leaf may not sign',
    );
  });

  it('refuses a chain that ends at no configured root', async () => {
    const otherRoot = await issue('Other root', undefined, CA);
    const otherCa = await issue('Issuing CA', otherRoot, CA);
    const leaf = await issue('Signer', otherCa, SIGNER);
    expect(await verdict(await signedBy(leaf, [leaf, otherCa, otherRoot]))).not.toBe('verified');
  });
});

/** Every name is 127.0.0.1: the issuer's host resolves to loopback. */
class LoopbackResolver extends HostResolver {
  resolve() {
    return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
  }
}

describe('TrustedIssuerKeys: an issuer trusted by jwks_uri, fetched through the SSRF guard', () => {
  let signer: Issued;
  let jwk: JWK;
  /** What the JWK Set server answers at /jwks, and the requests it saw by path. */
  let jwksBody: () => string;
  const asked: string[] = [];
  let http: HttpServer;
  let https: HttpsServer;
  let httpsConnections = 0;
  const warnings: string[] = [];

  const serve = (path: string | undefined, answer: (status: number, body: string) => void) => {
    asked.push(path ?? '');
    if (path === '/moved') return answer(302, '');
    answer(200, jwksBody());
  };

  beforeAll(async () => {
    signer = await issue('Signer', undefined, SIGNER);
    jwk = { ...(await exportJWK(signer.keys.publicKey)), kid: 'k1', alg: 'ES256' };
    http = createHttpServer((req, res) =>
      serve(req.url, (status, body) => {
        if (status === 302) res.setHeader('location', '/jwks');
        res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      }),
    );
    const tls = selfSignedCertificate(['issuer.internal.example']);
    https = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) =>
      serve(req.url, (status, body) => res.writeHead(status).end(body)),
    );
    https.on('connection', () => (httpsConnections += 1));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
    await new Promise((resolve) => https.close(resolve));
  });

  beforeEach(() => {
    jwksBody = () => JSON.stringify({ keys: [jwk] });
    asked.length = 0;
    httpsConnections = 0;
    warnings.length = 0;
    jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((message: unknown) => void warnings.push(String(message)));
  });
  afterEach(() => jest.restoreAllMocks());

  const port = (server: HttpServer | HttpsServer) => (server.address() as AddressInfo).port;
  const issuerAt = (jwksUri: string): TrustedIssuer => ({
    issuer: ISSUER,
    keys: { jwksUri },
    vct: ['urn:eudi:pid:1'],
  });
  const keysWith = (allowPrivate: boolean) =>
    new TrustedIssuerKeys(
      { trustedIssuers: [], issuerAllowPrivate: allowPrivate } as unknown as Oid4vpConfig,
      new GuardedFetcher(new LoopbackResolver()),
    );
  const signed = () =>
    new CompactSign(new TextEncoder().encode(JSON.stringify({ iss: ISSUER })))
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(signer.keys.privateKey);
  const verdict = (keys: TrustedIssuerKeys, issuer: TrustedIssuer) =>
    signed()
      .then((jws) => keys.verify(jws, issuer))
      .then(
        () => 'verified',
        () => 'refused',
      );

  it('verifies with the set at a loopback jwks_uri where private addresses are allowed (development), fetched once', async () => {
    const keys = keysWith(true);
    const issuer = issuerAt(`http://127.0.0.1:${port(http)}/jwks`);
    expect(await verdict(keys, issuer)).toBe('verified');
    expect(await verdict(keys, issuer)).toBe('verified');
    expect(asked).toEqual(['/jwks']);
  });

  it('refuses a jwks_uri whose host resolves to loopback in production settings, without connecting', async () => {
    const issuer = issuerAt(`https://issuer.internal.example:${port(https)}/jwks`);
    expect(await verdict(keysWith(false), issuer)).toBe('refused');
    expect(httpsConnections).toBe(0);
    expect(warnings).toEqual([
      'trusted issuer jwks_uri of issuer.internal.example:' +
        `${port(https)} unusable: the host resolves to a non-public address (loopback)`,
    ]);
  });

  it('connects to it in production settings with OID4VP_ISSUER_ALLOW_PRIVATE (TLS still checked)', async () => {
    const issuer = issuerAt(`https://issuer.internal.example:${port(https)}/jwks`);
    expect(await verdict(keysWith(true), issuer)).toBe('refused');
    expect(httpsConnections).toBe(1);
    expect(warnings).toEqual([
      expect.stringMatching(/unusable: connection failed \(self-signed certificate\)$/),
    ]);
  });

  it('refuses an answer larger than a JWK Set may be, or holding more keys than one may', async () => {
    const issuer = issuerAt(`http://127.0.0.1:${port(http)}/jwks`);
    jwksBody = () => JSON.stringify({ keys: [jwk], padding: 'x'.repeat(16 * 1024) });
    expect(await verdict(keysWith(true), issuer)).toBe('refused');
    jwksBody = () => JSON.stringify({ keys: Array.from({ length: 11 }, () => jwk) });
    expect(await verdict(keysWith(true), issuer)).toBe('refused');
    expect(warnings).toEqual([
      expect.stringMatching(/unusable: larger than 16384 bytes$/),
      expect.stringMatching(/unusable: the JWK Set may hold at most 10 keys$/),
    ]);
  });

  it('follows no redirect', async () => {
    const issuer = issuerAt(`http://127.0.0.1:${port(http)}/moved`);
    expect(await verdict(keysWith(true), issuer)).toBe('refused');
    expect(asked).toEqual(['/moved']);
    expect(warnings).toEqual([expect.stringMatching(/unusable: redirect \(302\) not followed$/)]);
  });
});
