import { X509Certificate, createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { compactVerify, decodeJwt, decodeProtectedHeader, importX509 } from 'jose';
import type { Oid4vpConfig } from '../config/sections/oid4vp.config';
import type { ServerConfig } from '../config/sections/server.config';
import { VerifierIdentity } from './verifier-identity';

const P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const server = { issuer: 'https://id.example', isProduction: false } as ServerConfig;

/** The request object's x5c as certificates, its signature checked with the first one's key. */
async function signedChain(identity: VerifierIdentity) {
  const jwt = await identity.requestObject('x509_hash', { client_id: 'ignored' });
  const header = decodeProtectedHeader(jwt);
  expect(header).toMatchObject({ alg: 'ES256', typ: 'oauth-authz-req+jwt' });
  const chain = header.x5c!.map((der) => new X509Certificate(Buffer.from(der, 'base64')));
  await compactVerify(jwt, await importX509(chain[0].toString(), 'ES256'));
  expect(decodeJwt(jwt).client_id).toBe('ignored');
  return chain;
}

describe('VerifierIdentity (x509_hash:)', () => {
  it('outside production, signs with a certificate of its own issued by a CA it leaves out of x5c', async () => {
    const identity = new VerifierIdentity({} as Oid4vpConfig, server);
    const chain = await signedChain(identity);
    expect(chain).toHaveLength(1);
    const [leaf] = chain;
    // HAIP, and the OpenID conformance suite's wallet: the leaf is not self-signed.
    expect(leaf.checkIssued(leaf)).toBe(false);
    expect(leaf.issuer).toMatch(/Proofgate development CA/);
    expect(leaf.subjectAltName).toBe('DNS:id.example');
    expect(leaf.ca).toBe(false);
    expect(await identity.clientId('x509_hash')).toBe(
      `x509_hash:${createHash('sha256').update(leaf.raw).digest('base64url')}`,
    );
  });

  it('carries a configured chain, the verifier first; the client identifier hashes the first', async () => {
    const caKeys = await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify']);
    const keys = await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify']);
    const validity = {
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: P256,
    };
    const ca = await x509.X509CertificateGenerator.createSelfSigned(
      { ...validity, name: 'CN=Intermediate', keys: caKeys },
      webcrypto,
    );
    const leaf = await x509.X509CertificateGenerator.create(
      {
        ...validity,
        subject: 'CN=verifier.example',
        issuer: ca.subject,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
      },
      webcrypto,
    );
    const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const config = {
      verifierCertificate: {
        chainPem: [leaf.toString('pem'), ca.toString('pem')],
        privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`,
      },
    } as unknown as Oid4vpConfig;
    const identity = new VerifierIdentity(config, { ...server, isProduction: true });
    const chain = await signedChain(identity);
    expect(chain.map((certificate) => certificate.subject)).toEqual([
      'CN=verifier.example',
      'CN=Intermediate',
    ]);
    expect(await identity.clientId('x509_hash')).toBe(
      `x509_hash:${createHash('sha256').update(Buffer.from(leaf.rawData)).digest('base64url')}`,
    );
  });
});
