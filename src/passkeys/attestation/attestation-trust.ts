import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import * as x509 from '@peculiar/x509';
import { SettingsService } from '@simplewebauthn/server';
import { decodeAttestationObject } from '@simplewebauthn/server/helpers';
import { ConfigError } from '../../config/env-parsers';
import { PasskeyConfig } from '../../config/sections/passkeys.config';
import { Clock } from '../../platform/clock/clock';
import { pathToRoot } from '../../platform/crypto/x509-path';
import { type FidoMetadata, type ModelMetadata, verifyFidoMetadata } from './fido-metadata';

/**
 * The attestation statement formats @simplewebauthn/server verifies (WebAuthn Level 3 §8), whose
 * default roots are cleared: the library checks each statement's signature and certificates, and
 * which roots count is decided here, offline, from the operator's trust list (its own path check
 * would fetch revocation lists at registration).
 */
const ATTESTATION_FORMATS = [
  'packed',
  'tpm',
  'android-key',
  'android-safetynet',
  'apple',
  'fido-u2f',
] as const;

/**
 * What a verified attestation statement shows (WebAuthn Level 3 §6.5.3 attestation types):
 * `none` (no statement), `self` (signed by the credential's own key: proves nothing of the
 * authenticator), `untrusted` (a certificate chain that ends outside the trust list), `trusted`.
 */
export type AttestationTrustLevel = 'none' | 'self' | 'untrusted' | 'trusted';

/** What a registration's attestation proves, once the library verified its statement. */
export interface AttestationAssessment {
  readonly trust: AttestationTrustLevel;
  /** The AAGUID the authenticator data states (the model, when `trusted`). */
  readonly aaguid: string;
  /** Trusted, and the key cannot be synced (backup-eligible flag clear): `phrh`, `hwk`. */
  readonly hardwareBound: boolean;
  /** The model's name from the FIDO metadata, when the attestation is trusted and it is listed. */
  readonly name?: string;
  /** The FIDO metadata's latest status of the model when it reports it compromised. */
  readonly compromised?: string;
}

/** What the registration knows of the statement the library verified. */
export interface VerifiedStatement {
  readonly fmt: string;
  readonly aaguid: string;
  readonly attestationObject: Uint8Array;
  /** WebAuthn §6.1 BE flag: `multiDevice` when set. */
  readonly credentialDeviceType: 'singleDevice' | 'multiDevice';
}

/**
 * The operator's trust list for passkey attestations: PASSKEY_TRUSTED_ATTESTATION_ROOTS (any
 * model), and the attestation roots a FIDO MDS3 BLOB lists per model (PASSKEY_MDS_BLOB, verified
 * at start against PASSKEY_MDS_ROOT). Everything is read from disk: no network call, at start or
 * at registration.
 */
@Injectable()
export class AttestationTrust implements OnModuleInit {
  private readonly logger = new Logger(AttestationTrust.name);
  private readonly roots: readonly x509.X509Certificate[];
  private metadata: FidoMetadata = { models: new Map() };

  constructor(
    private readonly config: PasskeyConfig,
    private readonly clock: Clock,
  ) {
    this.roots = config.trustedAttestationRoots.map((pem) => new x509.X509Certificate(pem));
    for (const identifier of ATTESTATION_FORMATS) {
      SettingsService.setRootCertificates({ identifier, certificates: [] });
    }
  }

  /** Verifies PASSKEY_MDS_BLOB: a BLOB its root does not vouch for stops the start. */
  async onModuleInit(): Promise<void> {
    const { mdsBlob, mdsRoots } = this.config;
    if (mdsBlob === undefined) return;
    const now = this.clock.now();
    try {
      const roots = mdsRoots.map((pem) => new x509.X509Certificate(pem));
      this.metadata = await verifyFidoMetadata(mdsBlob, roots, now);
    } catch (error) {
      throw new ConfigError(`PASSKEY_MDS_BLOB: ${(error as Error).message}`);
    }
    const { nextUpdate, models } = this.metadata;
    this.logger.log(`FIDO metadata: ${models.size} authenticator models`);
    if (nextUpdate !== undefined && nextUpdate < now.toISOString().slice(0, 10)) {
      this.logger.warn(
        `PASSKEY_MDS_BLOB was due to be replaced on ${nextUpdate}: download the current BLOB (https://mds3.fidoalliance.org/)`,
      );
    }
  }

  /** What the statement shows: its chain checked against the trust list, its model looked up. */
  async assess(statement: VerifiedStatement): Promise<AttestationAssessment> {
    const aaguid = statement.aaguid.toLowerCase();
    const x5c = x5cOf(statement);
    const trust: AttestationTrustLevel =
      statement.fmt === 'none'
        ? 'none'
        : x5c === undefined
          ? 'self'
          : (await this.chainsToTrustList(x5c, this.metadata.models.get(aaguid)))
            ? 'trusted'
            : 'untrusted';
    const listed = this.metadata.models.get(aaguid);
    // The name only where the attestation vouches for the AAGUID; else it is the device's word.
    const name = trust === 'trusted' ? listed?.name : undefined;
    return {
      trust,
      aaguid,
      hardwareBound: trust === 'trusted' && statement.credentialDeviceType === 'singleDevice',
      ...(name === undefined ? {} : { name }),
      // Whatever the chain: a model reported compromised is refused in any case.
      ...(listed?.compromised === undefined ? {} : { compromised: listed.compromised }),
    };
  }

  private async chainsToTrustList(
    x5c: readonly Uint8Array[],
    model: ModelMetadata | undefined,
  ): Promise<boolean> {
    const roots = [...this.roots, ...(model?.roots ?? [])];
    if (roots.length === 0) return false;
    try {
      await pathToRoot(x5c, roots, this.clock.now());
      return true;
    } catch {
      return false;
    }
  }
}

/** The statement's certificate chain (`attStmt.x5c`), leaf first; undefined without one. */
function x5cOf(statement: VerifiedStatement): Uint8Array[] | undefined {
  const attStmt = decodeAttestationObject(new Uint8Array(statement.attestationObject)).get(
    'attStmt',
  );
  const x5c = attStmt.get('x5c');
  return Array.isArray(x5c) && x5c.length > 0 ? x5c : undefined;
}
