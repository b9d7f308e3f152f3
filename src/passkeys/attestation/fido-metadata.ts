import * as x509 from '@peculiar/x509';
import { compactVerify, decodeProtectedHeader, importX509 } from 'jose';
import { pathToRoot } from '../../platform/crypto/x509-path';
import { DuplicateMemberName, parseJson } from '../../platform/http/json-duplicate-names';

/**
 * FIDO Metadata Service 3 status reports that say a model must not be trusted (MDS 3.0 §3.1.4
 * AuthenticatorStatus): its keys or its user verification can no longer be relied on.
 */
export const COMPROMISED_STATUSES: ReadonlySet<string> = new Set([
  'REVOKED',
  'USER_VERIFICATION_BYPASS',
  'ATTESTATION_KEY_COMPROMISE',
  'USER_KEY_REMOTE_COMPROMISE',
  'USER_KEY_PHYSICAL_COMPROMISE',
]);

/** What the BLOB says of one authenticator model (AAGUID). */
export interface ModelMetadata {
  /** The statement's `description`: the model's name. */
  readonly name?: string;
  /** The statement's attestation roots: the trust list for this model's attestations. */
  readonly roots: readonly x509.X509Certificate[];
  /** Its latest status report, when that says the model is compromised (or revoked). */
  readonly compromised?: string;
}

/** The verified BLOB: the models it lists by AAGUID, and when the FIDO Alliance replaces it. */
export interface FidoMetadata {
  readonly models: ReadonlyMap<string, ModelMetadata>;
  readonly nextUpdate?: string;
}

interface StatusReport {
  readonly status?: unknown;
  readonly effectiveDate?: unknown;
}
interface BlobEntry {
  readonly aaguid?: unknown;
  readonly metadataStatement?: {
    readonly description?: unknown;
    readonly attestationRootCertificates?: unknown;
  };
  readonly statusReports?: unknown;
}

/**
 * Verifies a FIDO MDS3 BLOB offline (MDS 3.0 §3.2: "verify the signature ... the certificate
 * chain ... up to the trusted root"), against the root the operator gave, and reads its FIDO2
 * entries. No revocation list is fetched: the BLOB is the operator's download, kept on disk.
 * Throws with the reason when the BLOB is not one the root vouches for.
 */
export async function verifyFidoMetadata(
  blob: string,
  roots: readonly x509.X509Certificate[],
  now: Date,
): Promise<FidoMetadata> {
  const header = decodeProtectedHeader(blob);
  if (!Array.isArray(header.x5c) || header.x5c.length === 0 || typeof header.alg !== 'string') {
    throw new Error('its header names no signing certificate chain (x5c) and algorithm');
  }
  const chain = header.x5c.map((der) => Buffer.from(der, 'base64'));
  let leaf: x509.X509Certificate;
  try {
    [leaf] = await pathToRoot(chain, roots, now);
  } catch (error) {
    throw new Error(
      `its signing chain does not end at PASSKEY_MDS_ROOT (${(error as Error).message})`,
    );
  }
  const key = await importX509(leaf.toString('pem'), header.alg);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(blob, key));
  } catch {
    throw new Error('its signature does not verify');
  }
  let body: { entries?: unknown; nextUpdate?: unknown };
  try {
    // A member named twice (two statusReports): JSON.parse keeps the last, another reader the first.
    body = parseJson(new TextDecoder().decode(payload)) as typeof body;
  } catch (error) {
    throw new Error(
      `its payload ${error instanceof DuplicateMemberName ? error.message : 'is not JSON'}`,
    );
  }
  if (!Array.isArray(body.entries)) throw new Error('it has no entries');
  const models = new Map<string, ModelMetadata>();
  for (const entry of body.entries as BlobEntry[]) {
    if (typeof entry.aaguid !== 'string') continue;
    models.set(entry.aaguid.toLowerCase(), modelOf(entry));
  }
  return {
    models,
    ...(typeof body.nextUpdate === 'string' ? { nextUpdate: body.nextUpdate } : {}),
  };
}

function modelOf(entry: BlobEntry): ModelMetadata {
  const statement = entry.metadataStatement;
  const encoded = Array.isArray(statement?.attestationRootCertificates)
    ? (statement.attestationRootCertificates as unknown[])
    : [];
  const roots = encoded.flatMap((der) => {
    try {
      return typeof der === 'string' ? [new x509.X509Certificate(Buffer.from(der, 'base64'))] : [];
    } catch {
      return [];
    }
  });
  const latest = latestStatus(entry.statusReports);
  return {
    ...(typeof statement?.description === 'string' ? { name: statement.description } : {}),
    roots,
    ...(latest !== undefined && COMPROMISED_STATUSES.has(latest) ? { compromised: latest } : {}),
  };
}

/** The status of the report with the latest `effectiveDate` (the last listed among equals). */
function latestStatus(reports: unknown): string | undefined {
  if (!Array.isArray(reports)) return undefined;
  let latest: StatusReport | undefined;
  for (const report of reports as StatusReport[]) {
    const date = typeof report.effectiveDate === 'string' ? report.effectiveDate : '';
    const latestDate = typeof latest?.effectiveDate === 'string' ? latest.effectiveDate : '';
    if (latest === undefined || date >= latestDate) latest = report;
  }
  return typeof latest?.status === 'string' ? latest.status : undefined;
}
