import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { AppConfig } from '../app-config';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate', ISSUER: 'https://id.example' };
const P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

type Keys = webcrypto.CryptoKeyPair;

/** A certificate of `subject` for `keys`, issued by `issuer` (self-signed without one). */
async function certificate(
  subject: string,
  keys: Keys,
  issuer?: { name: string; keys: Keys },
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create(
    {
      subject: `CN=${subject}`,
      issuer: `CN=${issuer?.name ?? subject}`,
      publicKey: keys.publicKey,
      signingKey: (issuer?.keys ?? keys).privateKey,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: P256,
    },
    webcrypto,
  );
}

const newKeys = () => webcrypto.subtle.generateKey(P256, true, ['sign', 'verify']);

async function pkcs8(keys: Keys): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`;
}

describe('OID4VP_VERIFIER_CERT and OID4VP_VERIFIER_KEY', () => {
  let dir: string;
  let root: { name: string; keys: Keys };
  let intermediate: { name: string; keys: Keys; certificate: x509.X509Certificate };
  let verifier: { keys: Keys; certificate: x509.X509Certificate };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oid4vp-config-'));
    root = { name: 'Root CA', keys: await newKeys() };
    const intermediateKeys = await newKeys();
    intermediate = {
      name: 'Intermediate CA',
      keys: intermediateKeys,
      certificate: await certificate('Intermediate CA', intermediateKeys, root),
    };
    const verifierKeys = await newKeys();
    verifier = {
      keys: verifierKeys,
      certificate: await certificate('verifier.example', verifierKeys, intermediate),
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The settings for a certificate file of `certificates` and the key file of `keys`. */
  async function settings(certificates: x509.X509Certificate[], keys: Keys) {
    const cert = join(dir, `cert-${Math.random()}.pem`);
    const key = join(dir, `key-${Math.random()}.pem`);
    writeFileSync(cert, certificates.map((c) => c.toString('pem')).join('\n'));
    writeFileSync(key, await pkcs8(keys));
    return { ...base, OID4VP_VERIFIER_CERT: cert, OID4VP_VERIFIER_KEY: key };
  }

  it('reads the verifier certificate and its intermediates, in order, for x5c', async () => {
    const env = await settings([verifier.certificate, intermediate.certificate], verifier.keys);
    const chain = AppConfig.fromEnv(env).oid4vp.verifierCertificate!.chainPem;
    expect(chain.map((pem) => new x509.X509Certificate(pem).subject)).toEqual([
      'CN=verifier.example',
      'CN=Intermediate CA',
    ]);
  });

  it('reads a lone certificate', async () => {
    const env = await settings([verifier.certificate], verifier.keys);
    expect(AppConfig.fromEnv(env).oid4vp.verifierCertificate!.chainPem).toHaveLength(1);
  });

  it("refuses a key that is not the first certificate's", async () => {
    const env = await settings([intermediate.certificate, verifier.certificate], verifier.keys);
    expect(() => AppConfig.fromEnv(env)).toThrow(
      "OID4VP_VERIFIER_CERT: the first certificate is not OID4VP_VERIFIER_KEY's",
    );
  });

  it('refuses a chain whose next certificate did not issue the one before it', async () => {
    const stranger = await certificate('Another CA', await newKeys());
    const env = await settings([verifier.certificate, stranger], verifier.keys);
    expect(() => AppConfig.fromEnv(env)).toThrow(
      'OID4VP_VERIFIER_CERT: certificate 2 did not issue certificate 1',
    );
  });

  it('refuses a verifier key that cannot sign ES256', async () => {
    const p384 = { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' };
    const keys = await webcrypto.subtle.generateKey(p384, true, ['sign', 'verify']);
    const own = await x509.X509CertificateGenerator.createSelfSigned(
      {
        name: 'CN=p384.example',
        keys,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        signingAlgorithm: p384,
      },
      webcrypto,
    );
    const env = await settings([own], keys);
    expect(() => AppConfig.fromEnv(env)).toThrow('must hold a P-256 key');
  });

  it('refuses a file with no certificate, naming it', async () => {
    const env = await settings([verifier.certificate], verifier.keys);
    writeFileSync(env.OID4VP_VERIFIER_CERT, 'not a certificate');
    expect(() => AppConfig.fromEnv(env)).toThrow(
      `OID4VP_VERIFIER_CERT: "${env.OID4VP_VERIFIER_CERT}" is not a PEM certificate`,
    );
  });
});

describe('OID4VP_STATUS_LIST_MAX_AGE_SECONDS', () => {
  it('is 300 unset, 0 (no reuse) to a day set, and refused past a day', () => {
    expect(AppConfig.fromEnv(base).oid4vp.statusListMaxAgeSeconds).toBe(300);
    const set = (value: string) =>
      AppConfig.fromEnv({ ...base, OID4VP_STATUS_LIST_MAX_AGE_SECONDS: value }).oid4vp
        .statusListMaxAgeSeconds;
    expect([set('0'), set('86400')]).toEqual([0, 86_400]);
    expect(() => set('86401')).toThrow('OID4VP_STATUS_LIST_MAX_AGE_SECONDS');
  });
});

describe('OID4VP_ISSUER_ALLOW_PRIVATE', () => {
  it('is on outside production, off in production unless set, and opens addresses, not plain http', () => {
    const production = { ...base, NODE_ENV: 'production', KEY_ENCRYPTION_SECRET: 'x'.repeat(32) };
    const read = (env: Record<string, string>) =>
      AppConfig.fromEnv(env, { serves: false }).oid4vp.issuerAllowPrivate;
    expect(read(base)).toBe(true);
    expect(read({ ...base, OID4VP_ISSUER_ALLOW_PRIVATE: 'false' })).toBe(false);
    expect(read(production)).toBe(false);
    expect(read({ ...production, OID4VP_ISSUER_ALLOW_PRIVATE: 'true' })).toBe(true);
    const issuers = (jwksUri: string) =>
      JSON.stringify([
        { issuer: 'https://pid.internal', jwks_uri: jwksUri, vct: ['urn:eudi:pid:1'] },
      ]);
    expect(() =>
      read({
        ...production,
        OID4VP_ISSUER_ALLOW_PRIVATE: 'true',
        OID4VP_TRUSTED_ISSUERS: issuers('http://127.0.0.1:9000/jwks'),
      }),
    ).toThrow(/OID4VP_TRUSTED_ISSUERS\[0\]\.jwks_uri must be https when NODE_ENV=production/);
  });
});

describe('OID4VP_TRUSTED_ISSUERS and OID4VP_CREDENTIALS', () => {
  it('refuse a field their entries do not have, as a misspelt one would be passed over', () => {
    const issuer = { issuer: 'https://pid.example', jwks_uri: 'https://pid.example/jwks' };
    expect(() =>
      AppConfig.fromEnv({
        ...base,
        OID4VP_TRUSTED_ISSUERS: JSON.stringify([{ ...issuer, vcts: ['urn:eudi:pid:1'] }]),
      }),
    ).toThrow(
      'OID4VP_TRUSTED_ISSUERS[0] has unknown field(s) vcts (known: issuer, jwks, jwks_uri, x5c_roots, vct)',
    );
    expect(() =>
      AppConfig.fromEnv({
        ...base,
        OID4VP_CREDENTIALS: JSON.stringify([{ id: 'pid', vct: ['urn:eudi:pid:1'], extra: 1 }]),
      }),
    ).toThrow('OID4VP_CREDENTIALS[0] has unknown field(s) extra (known: id, vct)');
    expect(
      AppConfig.fromEnv({
        ...base,
        OID4VP_TRUSTED_ISSUERS: JSON.stringify([{ ...issuer, vct: ['urn:eudi:pid:1'] }]),
      }).oid4vp.trustedIssuers,
    ).toHaveLength(1);
  });
});
