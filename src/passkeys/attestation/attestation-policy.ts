import type { PasskeyConfig } from '../../config/sections/passkeys.config';
import { UntrustedAttestation } from '../passkey.errors';
import type { AttestationAssessment } from './attestation-trust';

/** What a passkey that is not hardware-bound lacks, in the words of the refusal. */
function notHardwareBound(assessment: AttestationAssessment): string {
  switch (assessment.trust) {
    case 'none':
      return 'the authenticator gave no attestation, so nothing shows what holds the key';
    case 'self':
      return 'its attestation is a self-attestation, signed by the new key itself, which proves nothing of the authenticator';
    case 'untrusted':
      return 'its attestation does not chain to a root this service trusts';
    case 'trusted':
      return 'it is backup eligible (a synced passkey): its key can leave the authenticator';
  }
}

/**
 * The operator's policy over a verified registration (WebAuthn Level 3 §7.1 step 23: "assess the
 * attestation trustworthiness"): a model the FIDO metadata reports compromised never registers;
 * with PASSKEY_ALLOWED_AAGUIDS only a listed model whose attestation is trusted (an untrusted
 * AAGUID is the authenticator's own word); with PASSKEY_REQUIRE_HARDWARE only a hardware-bound
 * passkey. Otherwise any verified registration is a passkey, hardware-bound or not.
 */
export function attestationRefusal(
  assessment: AttestationAssessment,
  policy: Pick<PasskeyConfig, 'allowedAaguids' | 'requireHardware'>,
): UntrustedAttestation | undefined {
  if (assessment.compromised !== undefined) {
    return new UntrustedAttestation(
      `The FIDO metadata reports this authenticator model (AAGUID ${assessment.aaguid}) as ${assessment.compromised}: it may not register`,
    ).because('compromised_model');
  }
  if (policy.allowedAaguids.length > 0) {
    if (assessment.trust !== 'trusted') {
      return new UntrustedAttestation(
        `This service registers only the authenticator models it lists (PASSKEY_ALLOWED_AAGUIDS), proven by a trusted attestation, and ${notHardwareBound(assessment)}`,
      ).because('aaguid_unproven');
    }
    if (!policy.allowedAaguids.includes(assessment.aaguid)) {
      return new UntrustedAttestation(
        `This service registers only the authenticator models it lists (PASSKEY_ALLOWED_AAGUIDS), and AAGUID ${assessment.aaguid} is not one of them`,
      ).because('aaguid_not_allowed');
    }
  }
  if (policy.requireHardware && !assessment.hardwareBound) {
    return new UntrustedAttestation(
      `This service registers only hardware-bound passkeys (PASSKEY_REQUIRE_HARDWARE), and this one is not: ${notHardwareBound(assessment)}`,
    ).because(
      assessment.trust === 'trusted' ? 'backup_eligible' : `attestation_${assessment.trust}`,
    );
  }
  return undefined;
}
