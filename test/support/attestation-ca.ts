/**
 * Test certificate authorities for passkey attestation, made per run with @peculiar/x509 over
 * node's WebCrypto (nothing committed): a root the operator would list in
 * PASSKEY_TRUSTED_ATTESTATION_ROOTS, an attestation certificate it issues for one authenticator
 * model (FIDO's `packed` requirements: OU "Authenticator Attestation", C, O, CN, not a CA, the
 * model's AAGUID in id-fido-gen-ce-aaguid), and a FIDO MDS3 BLOB signed under a metadata root.
 */
import { KeyObject, randomUUID, webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { CompactSign } from 'jose';
import type { PackedAttestation } from '../../src/lab-client/software-authenticator';

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
async function issue(
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
  return issue(`CN=${name}, O=Proofgate Tests, C=NL`, undefined, [
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
  const leaf = await issue(
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

/** One entry of a test MDS3 BLOB. */
export interface TestMetadataEntry {
  readonly aaguid: string;
  readonly description: string;
  /** Its attestation roots (the statement's attestationRootCertificates). */
  readonly roots?: readonly TestCertificate[];
  /** Its status reports, oldest first (default: one FIDO_CERTIFIED_L1). */
  readonly statuses?: readonly string[];
}

/**
 * A FIDO MDS3 BLOB (a JWS, MDS 3.0 §3.1.7) of `entries`, signed by a signing certificate that
 * `root` issued, the chain in the header's x5c: what an operator downloads from the FIDO Alliance.
 */
export async function metadataBlob(
  root: TestCertificate,
  entries: readonly TestMetadataEntry[],
): Promise<string> {
  const signer = await issue('CN=Proofgate Test Metadata Signer, O=Proofgate Tests, C=NL', root, [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  ]);
  const payload = {
    legalHeader: 'Test metadata, for Proofgate tests only',
    no: 1,
    nextUpdate: new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10),
    entries: entries.map((entry) => ({
      aaguid: entry.aaguid,
      metadataStatement: {
        aaguid: entry.aaguid,
        description: entry.description,
        attestationTypes: ['basic_full'],
        attestationRootCertificates: (entry.roots ?? []).map((ca) =>
          Buffer.from(ca.certificate.rawData).toString('base64'),
        ),
      },
      statusReports: (entry.statuses ?? ['FIDO_CERTIFIED_L1']).map((status, index) => ({
        status,
        effectiveDate: new Date(Date.UTC(2025, 0, 1 + index)).toISOString().slice(0, 10),
      })),
      timeOfLastStatusChange: '2025-01-01',
    })),
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({
      alg: 'ES256',
      typ: 'JWT',
      x5c: [Buffer.from(signer.certificate.rawData).toString('base64')],
    })
    .sign(signer.keys.privateKey);
}

/** Writes `text` to a new file in a temporary folder: a setting's path (PEM, BLOB). */
export function settingFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'proofgate-attestation-')), name);
  writeFileSync(path, text);
  return path;
}

/** Certificates as one PEM text. */
export function pemOf(...certificates: readonly TestCertificate[]): string {
  return certificates.map(({ certificate }) => certificate.toString('pem')).join('\n');
}
