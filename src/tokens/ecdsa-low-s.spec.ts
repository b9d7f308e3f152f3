import { CompactSign, compactVerify, generateKeyPair } from 'jose';
import { withFlippedS } from '../../test/support/jws';
import { hasLowS, lowSSignature } from './ecdsa-low-s';

/** `jws` with its signature made low-s by lowSSignature (as signCompactJws signs). */
function withLowS(jws: string): string {
  const cut = jws.lastIndexOf('.') + 1;
  return (
    jws.slice(0, cut) +
    lowSSignature(Buffer.from(jws.slice(cut), 'base64url')).toString('base64url')
  );
}

describe('ES256 low-s normalisation', () => {
  it('turns a high-s signature into its low-s twin, which still verifies; leaves a low-s one', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    let flippedOne = false;
    for (let i = 0; i < 32; i += 1) {
      const jws = await new CompactSign(new TextEncoder().encode(`payload ${i}`))
        .setProtectedHeader({ alg: 'ES256' })
        .sign(privateKey);
      const low = withLowS(jws);
      expect(hasLowS(low)).toBe(true);
      await compactVerify(low, publicKey);
      if (hasLowS(jws)) {
        expect(low).toBe(jws);
        expect(hasLowS(withFlippedS(jws))).toBe(false);
      } else {
        expect(low).toBe(withFlippedS(jws));
        flippedOne = true;
      }
    }
    // WebCrypto does not normalise: a run of 32 low-s signatures happens once in 2^32.
    expect(flippedOne).toBe(true);
  });

  it('counts a signature of the wrong length as not canonical', () => {
    expect(hasLowS(`e30.e30.${Buffer.alloc(63).toString('base64url')}`)).toBe(false);
    expect(() => lowSSignature(Buffer.alloc(63))).toThrow(
      'An ES256 signature of 63 bytes, expected 64',
    );
  });
});
