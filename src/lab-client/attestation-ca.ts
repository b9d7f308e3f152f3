/**
 * Certificate authorities for passkey attestation, made on the spot with @peculiar/x509 over
 * node's WebCrypto: a root, and the attestation certificate it issues for one authenticator model
 * (FIDO's `packed` requirements, WebAuthn Level 3 §8.2.1: OU "Authenticator Attestation", C, O,
 * CN, not a CA, the model's AAGUID in id-fido-gen-ce-aaguid). The lab's root is on no operator's
 * trust list: what an attestation from an unlisted root gets. The tests make their trusted roots
 * with the same code (test/support/attestation-ca.ts).
 */
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata
// API loaded first: the service's entry point loads it, the lab's command line does not.
import 'reflect-metadata';
import { KeyObject, randomUUID, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { PackedAttestation } from './software-authenticator';

const P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;
/** FIDO Key Attestation (id-fido-gen-ce-aaguid): the attested model, an OCTET STRING. */
const ID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';

export interface TestCertificate {
  readonly name: string;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly certificate: x509.X509Certificate;
}

/** A certificate named `subject`, issued by `by` (self-signed without it). */
export async function issueCertificate(
  subject: string,
  by: TestCertificate | undefined,
  extensions: x509.Extension[],
): Promise<TestCertificate> {
  const keys = await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.create(
    {
      subject,
      issuer: by?.name ?? subject,
      publicKey: keys.publicKey,
      signingKey: (by?.keys ?? keys).privateKey,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 365 * DAY),
      signingAlgorithm: P256,
      serialNumber: randomUUID().replaceAll('-', ''),
      extensions,
    },
    webcrypto,
  );
  return { name: subject, keys, certificate };
}

/** A root CA certificate (self-signed, may sign certificates). */
export function rootCa(name: string): Promise<TestCertificate> {
  return issueCertificate(`CN=${name}, O=Proofgate Tests, C=NL`, undefined, [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ]);
}

/** An AAGUID's 16 bytes. */
export function aaguidBytes(aaguid: string): Uint8Array {
  return Buffer.from(aaguid.replaceAll('-', ''), 'hex');
}

/**
 * A packed attestation of model `aaguid`, its certificate issued by `root`: what a software
 * authenticator signs its registrations with (`attestation` of SoftwareAuthenticatorOptions).
 */
export async function packedAttestation(
  root: TestCertificate,
  aaguid: string,
): Promise<PackedAttestation> {
  const bytes = aaguidBytes(aaguid);
  const leaf = await issueCertificate(
    'CN=Proofgate Test Authenticator, OU=Authenticator Attestation, O=Proofgate Tests, C=NL',
    root,
    [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.Extension(
        ID_FIDO_GEN_CE_AAGUID,
        false,
        Buffer.concat([Buffer.from([0x04, 16]), bytes]),
      ),
    ],
  );
  return {
    privateKey: KeyObject.from(leaf.keys.privateKey),
    x5c: [new Uint8Array(leaf.certificate.rawData)],
    aaguid: bytes,
  };
}
