/** The P-256 group order n (SEC 2 §2.4.2). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/**
 * The other valid encoding of an ES256 compact JWS, as an attacker makes it: the signature's s
 * replaced by n − s (SEC 1 §4.1.4: (r, n − s) verifies wherever (r, s) does).
 */
export function withFlippedS(compactJws: string): string {
  const [header, payload, segment] = compactJws.split('.');
  const signature = Buffer.from(segment, 'base64url');
  if (signature.length !== 64) throw new Error('not an ES256 signature');
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  const flipped = Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex');
  const signatureOut = Buffer.concat([signature.subarray(0, 32), flipped]).toString('base64url');
  return `${header}.${payload}.${signatureOut}`;
}
