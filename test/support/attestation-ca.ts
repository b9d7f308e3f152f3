/**
 * Test certificate authorities for passkey attestation, made per run (nothing committed): a root
 * the operator would list in PASSKEY_TRUSTED_ATTESTATION_ROOTS and the attestation certificates it
 * issues (the lab's own code, src/lab-client/attestation-ca.ts), a FIDO MDS3 BLOB signed under a
 * metadata root, and the files the settings name.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { CompactSign } from 'jose';
import { type TestCertificate, issueCertificate } from '../../src/lab-client/attestation-ca';

export {
  type TestCertificate,
  aaguidBytes,
  packedAttestation,
  rootCa,
} from '../../src/lab-client/attestation-ca';

const DAY = 86_400_000;

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
  /** Changes the payload's JSON text before it is signed (a BLOB no honest server makes). */
  rewrite: (json: string) => string = (json) => json,
): Promise<string> {
  const signer = await issueCertificate(
    'CN=Proofgate Test Metadata Signer, O=Proofgate Tests, C=NL',
    root,
    [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  );
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
  return new CompactSign(new TextEncoder().encode(rewrite(JSON.stringify(payload))))
    .setProtectedHeader({
      alg: 'ES256',
      typ: 'JWT',
      x5c: [Buffer.from(signer.certificate.rawData).toString('base64')],
    })
    .sign(signer.keys.privateKey);
}

/**
 * Writes `text` to a new file in a temporary folder: a setting's path (PEM, BLOB). The folder is
 * inside the run's own (global-setup.js), which the run removes when it ends.
 */
export function settingFile(name: string, text: string): string {
  const under = process.env.PROOFGATE_TEST_TMPDIR ?? tmpdir();
  const path = join(mkdtempSync(join(under, 'proofgate-attestation-')), name);
  writeFileSync(path, text);
  return path;
}

/** Certificates as one PEM text. */
export function pemOf(...certificates: readonly TestCertificate[]): string {
  return certificates.map(({ certificate }) => certificate.toString('pem')).join('\n');
}
