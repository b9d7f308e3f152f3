import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * The certification path from `chain[0]` (the leaf) to one of `roots` through the other
 * certificates of `chain` (an `x5c`, DER), checked offline: signatures and names by the chain
 * builder, the rest of RFC 5280 §6.1 by `checkPath`. No revocation list is fetched: a trust list
 * kept on disk is the operator's to prune. Throws when there is none.
 */
export async function pathToRoot(
  chain: readonly Uint8Array[],
  roots: readonly x509.X509Certificate[],
  now: Date,
): Promise<x509.X509Certificate[]> {
  if (chain.length === 0) throw new Error('no x5c');
  const [leaf, ...intermediates] = chain.map((der) => new x509.X509Certificate(der));
  const built = await new x509.X509ChainBuilder({
    certificates: [...intermediates, ...roots],
  }).build(leaf, webcrypto);
  const top = built[built.length - 1];
  if (!roots.some((root) => root.equal(top))) throw new Error('x5c does not end at a root');
  checkPath(built, now);
  return built;
}

/**
 * RFC 5280 §6.1 as far as a chain of signatures does not go (the chain builder checks only names
 * and signatures): every certificate valid now, every one between the leaf and the trust anchor a
 * CA that may sign certificates (basicConstraints cA, keyUsage keyCertSign where it is given)
 * within its pathLenConstraint, and the leaf a signing key, not a CA. Otherwise an end-entity or
 * expired certificate anywhere under a shared root could sign itself a leaf.
 */
function checkPath(path: readonly x509.X509Certificate[], now: Date): void {
  for (const certificate of path) {
    if (certificate.notBefore > now || certificate.notAfter < now) {
      throw new Error('a certificate of x5c is not valid now');
    }
  }
  const [leaf] = path;
  if (leaf.getExtension(x509.BasicConstraintsExtension)?.ca === true) {
    throw new Error('the x5c leaf is a CA certificate');
  }
  if (!mayUseFor(leaf, x509.KeyUsageFlags.digitalSignature)) {
    throw new Error('the x5c leaf may not sign');
  }
  for (let index = 1; index < path.length; index += 1) {
    const constraints = path[index].getExtension(x509.BasicConstraintsExtension);
    // The trust anchor (the last) is the operator's; those below it are not.
    const anchor = index === path.length - 1;
    if (
      !anchor &&
      (constraints?.ca !== true || !mayUseFor(path[index], x509.KeyUsageFlags.keyCertSign))
    ) {
      throw new Error('an x5c intermediate is not a CA certificate');
    }
    // The intermediates below this CA, the leaf aside.
    if (constraints?.pathLength !== undefined && index - 1 > constraints.pathLength) {
      throw new Error('x5c is longer than a pathLenConstraint allows');
    }
  }
}

/** A certificate without keyUsage may be used for anything; one with it, for what it names. */
function mayUseFor(certificate: x509.X509Certificate, usage: x509.KeyUsageFlags): boolean {
  const keyUsage = certificate.getExtension(x509.KeyUsagesExtension);
  return keyUsage === null || (keyUsage.usages & usage) !== 0;
}
