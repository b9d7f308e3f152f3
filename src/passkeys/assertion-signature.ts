import { DER } from '@noble/curves/abstract/weierstrass';
import { cose, decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';

/**
 * WebAuthn Level 3 §6.5.6: an ECDSA assertion signature (ES256, the only EC2 algorithm passkeys
 * register with here) is the ASN.1 DER encoding of Ecdsa-Sig-Value, r and s as minimal INTEGERs.
 * @simplewebauthn/server 14 reads it with a BER parser and pads or trims r and s to the curve's
 * size, so a long-form or indefinite length, extra elements or bytes inside the sequence, a
 * missing sign byte or a tag written in more bytes than needed verify as well (Wycheproof
 * ecdsa_secp256r1_sha256_test.json, 24 vectors: tcIds 6, 8, 9, 11, 23, 25, 26, 48, 50, 52, 53,
 * 55-59, 62, 67, 68, 114, 115, 472-474):
 * one assertion, many encodings that verify. Only the DER of its own r and s is taken (read by
 * @noble/curves' strict DER reader, then written again and compared). Ed25519 and RSA signatures
 * are plain bytes of one length: nothing to check.
 *
 * The library's verifySignature answers for the rest of WebAuthn §7.2 step 20 (the signature over
 * authenticatorData ‖ SHA-256(clientDataJSON)); the two together are what a passkey signature
 * must pass (PasskeyAuthenticationService.verifyWith), and what the Wycheproof spec drives.
 */
export function isDerAssertionSignature(
  credentialPublicKey: Uint8Array<ArrayBuffer>,
  signature: Uint8Array,
): boolean {
  try {
    if (!cose.isCOSEPublicKeyEC2(decodeCredentialPublicKey(credentialPublicKey))) return true;
    return DER.hexFromSig(DER.toSig(signature)) === Buffer.from(signature).toString('hex');
  } catch {
    // A signature that is no DER at all (the stored key always decodes: it was registered).
    return false;
  }
}
