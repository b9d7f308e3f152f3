import { publicKeyProblem } from '../../protocol-rules/public-key-rules';
import { InvalidDpopProof } from './dpop.errors';

/**
 * RFC 9449 §4.2 leaves the proof key's strength to the server: the header's `jwk` must meet the
 * key rules every accepted key meets (protocol-rules/public-key-rules.ts: an RSA key with the
 * exponent 65537 and a modulus of 2048 to 4096 bits, an EC key a point on P-256, P-384 or P-521).
 * Checked before the key is imported or any signature verified: a huge modulus costs CPU at
 * import and at every check, and jose's own minimum-size refusal is a TypeError (a 500) after
 * import. What is not an RSA, EC or OKP key passes here unchanged (jose refuses it).
 */
export function checkProofKey(jwk: unknown): void {
  const problem = publicKeyProblem(jwk);
  if (problem !== undefined) {
    throw new InvalidDpopProof(`The DPoP proof key is refused: ${problem}`).because('weak_key');
  }
}
