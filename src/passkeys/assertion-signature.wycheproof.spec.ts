/**
 * Project Wycheproof's vectors through the layer that decides a passkey's signature. A sign-in
 * goes through @simplewebauthn/server's verifyAuthenticationResponse, whose WebAuthn §7.2 step 20
 * is one call, `verifySignature({ signature, data, credentialPublicKey })` (the assertion's
 * signature, authenticatorData ‖ SHA-256(clientDataJSON), the stored COSE_Key); everything before
 * it (challenge, origin, RP ID, flags) never looks at the signature. PasskeyAuthenticationService
 * then requires `isDerAssertionSignature` of the same key and signature. So the layer driven is
 * that pair, exported by the library as `@simplewebauthn/server/helpers` (the module the service's
 * call reaches), with the WebCrypto the service installs (`installWebAuthnKeyImports`: its key
 * cache and Node's one-shot verify), and a vector's msg as `data`: any bytes, as authenticatorData
 * ‖ hash is to the signature. A library error is refused as the service refuses it
 * (`refusalOf`: 401 invalid_credential_response).
 *
 * The key goes in as the COSE_Key a passkey registers with (RFC 9053): ES256 (-7) on P-256, its
 * signature DER (ecdsa_secp256r1_sha256_test.json); EdDSA (-8) on Ed25519 (ed25519_test.json);
 * RS256 (-257), RSASSA-PKCS1-v1_5 with SHA-256 (rsa_signature_2048_sha256_test.json). Passkeys
 * register no PS256 key (SUPPORTED_ALGORITHMS).
 *
 * What this found: the library read ES256 signatures as BER, so 24 invalid encodings of valid
 * signatures verified; isDerAssertionSignature refuses them (listed below). The one `acceptable`
 * RSA vector (tcId 8, MissingNull: a DigestInfo without its NULL parameters, which RFC 8017
 * §9.2 Note 2 says verifiers may accept) is refused: WebCrypto (OpenSSL) compares the whole
 * encoded DigestInfo with the one it builds, with the NULL, and no authenticator signs without it.
 */
import { isoCBOR, verifySignature } from '@simplewebauthn/server/helpers';
import {
  type WycheproofAnswer,
  type WycheproofEcKey,
  type WycheproofFile,
  type WycheproofGroup,
  type WycheproofTest,
  fixedBytes,
  hexBytes,
  runWycheproof,
} from '../../test/support/wycheproof-vectors';
import { checkWycheproof } from '../../test/support/wycheproof-suite';
import { PASSKEY_KEYS_REMEMBERED } from './authentication/passkey-authentication.service';
import { isDerAssertionSignature } from './assertion-signature';
import { refusalOf } from './passkey-response-errors';
import { installWebAuthnKeyImports } from './webauthn-key-imports';

/** COSE (RFC 9052 §7, RFC 9053): key parameters by label. */
const KTY = 1;
const ALG = 3;
const OKP = 1;
const EC2 = 2;
const RSA = 3;
const P256 = 1;
const ED25519 = 6;

/** An unsigned big-endian integer without leading zeros (a COSE RSA `n` or `e`). */
function unsigned(hex: string): Uint8Array {
  const bytes = Buffer.from(hex, 'hex');
  const first = bytes.findIndex((byte) => byte !== 0);
  return Uint8Array.from(bytes.subarray(Math.max(first, 0)));
}

const COSE_KEYS: Record<string, (group: WycheproofGroup) => Map<number, number | Uint8Array>> = {
  ES256: (group) => {
    const key = group.publicKey as unknown as WycheproofEcKey;
    return new Map<number, number | Uint8Array>([
      [KTY, EC2],
      [ALG, -7],
      [-1, P256],
      [-2, fixedBytes(key.wx, 32)],
      [-3, fixedBytes(key.wy, 32)],
    ]);
  },
  EdDSA: (group) =>
    new Map<number, number | Uint8Array>([
      [KTY, OKP],
      [ALG, -8],
      [-1, ED25519],
      [-2, hexBytes((group.publicKey as { pk: string }).pk)],
    ]),
  RS256: (group) => {
    const key = group.publicKey as { modulus: string; publicExponent: string };
    return new Map<number, number | Uint8Array>([
      [KTY, RSA],
      [ALG, -257],
      [-1, unsigned(key.modulus)],
      [-2, unsigned(key.publicExponent)],
    ]);
  },
};

const RUNS = [
  ['ES256', 'Passkeys (ES256)', 'ecdsa_secp256r1_sha256_test.json'],
  ['EdDSA', 'Passkeys (EdDSA)', 'ed25519_test.json'],
  ['RS256', 'Passkeys (RS256)', 'rsa_signature_2048_sha256_test.json'],
] as const satisfies readonly (readonly [string, string, WycheproofFile])[];

function passkey(alg: keyof typeof COSE_KEYS) {
  return async (test: WycheproofTest, group: WycheproofGroup): Promise<WycheproofAnswer> => {
    const credentialPublicKey = new Uint8Array(isoCBOR.encode(COSE_KEYS[alg](group)));
    const signature = new Uint8Array(hexBytes(test.sig));
    let verified: boolean;
    try {
      verified = await verifySignature({
        signature,
        data: new Uint8Array(hexBytes(test.msg)),
        credentialPublicKey,
      });
    } catch (error) {
      throw refusalOf(error);
    }
    return verified && isDerAssertionSignature(credentialPublicKey, signature);
  };
}

describe('passkey signatures against Project Wycheproof', () => {
  beforeAll(() => {
    // As PasskeyAuthenticationService does when it is made: the library's WebCrypto is ours.
    expect(installWebAuthnKeyImports(PASSKEY_KEYS_REMEMBERED)).toBeDefined();
  });
  const outcomes = checkWycheproof(
    RUNS.map(([alg, proof, file]) => ({
      name: alg,
      file,
      documented: proof,
      verdict: passkey(alg),
    })),
  );

  it.each(RUNS.map(([alg]) => alg))('%s: no rule of its own refuses a valid vector', (alg) => {
    expect(outcomes.get(alg)!.refusedBy).toEqual({});
  });

  it('refuses the acceptable RSA vector without the DigestInfo NULL (tcId 8)', () => {
    expect(outcomes.get('RS256')!.acceptable).toEqual({ 8: 'refused' });
  });

  it('refuses, by the DER rule, the invalid ES256 encodings the library verifies', async () => {
    const byLibraryAlone = await runWycheproof(
      'ecdsa_secp256r1_sha256_test.json',
      async (test, group) => {
        try {
          return await verifySignature({
            signature: new Uint8Array(hexBytes(test.sig)),
            data: new Uint8Array(hexBytes(test.msg)),
            credentialPublicKey: new Uint8Array(isoCBOR.encode(COSE_KEYS.ES256(group))),
          });
        } catch {
          return false;
        }
      },
    );
    // The BER forms, trailing bytes and missing sign bytes this rule is there for.
    expect(byLibraryAlone.defects.map((defect) => Number(/tcId (\d+)/.exec(defect)![1]))).toEqual([
      6, 8, 9, 11, 23, 25, 26, 48, 50, 52, 53, 55, 56, 57, 58, 59, 62, 67, 68, 114, 115, 472, 473,
      474,
    ]);
  });
});
