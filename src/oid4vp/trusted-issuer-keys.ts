import { webcrypto } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import * as x509 from '@peculiar/x509';
import {
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  type JWTVerifyGetKey,
  compactVerify,
  createLocalJWKSet,
  createRemoteJWKSet,
  importX509,
} from 'jose';
import { Oid4vpConfig, type TrustedIssuer } from '../config/sections/oid4vp.config';

/**
 * The signature algorithms accepted from issuers and holders: asymmetric ones only (a MAC proves
 * nothing of its signer; Token Status List §5.1 refuses one outright).
 */
export const SIGNATURE_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'PS256',
  'RS256',
];

type KeyResolver = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => ReturnType<JWTVerifyGetKey>;

/**
 * The keys of the issuers in OID4VP_TRUSTED_ISSUERS, for jose's verification: a JWK Set given
 * inline, one fetched from its `jwks_uri` (jose caches it and refetches on an unknown `kid`), or
 * the credential's own `x5c` chain when it ends at one of the issuer's `x5c_roots` (every link's
 * signature checked by @peculiar/x509's chain builder; the path's validity, CA constraints and
 * the leaf's naming of the issuer here: checkPath, issuerNames).
 */
@Injectable()
export class TrustedIssuerKeys {
  private readonly resolvers = new Map<string, KeyResolver>();

  constructor(private readonly config: Oid4vpConfig) {}

  /** The trusted issuer named `iss`, if it is one. */
  issuer(iss: unknown): TrustedIssuer | undefined {
    return this.config.trustedIssuers.find((issuer) => issuer.issuer === iss);
  }

  /** A JWS `issuer` signed (a credential, its status list), verified; throws if it is not. */
  verify(jws: string, issuer: TrustedIssuer) {
    return compactVerify(jws, this.keysOf(issuer), { algorithms: SIGNATURE_ALGORITHMS });
  }

  /** How jose finds the key of a JWS `issuer` signed. */
  private keysOf(issuer: TrustedIssuer): KeyResolver {
    let resolver = this.resolvers.get(issuer.issuer);
    if (resolver === undefined) {
      resolver = resolverOf(issuer);
      this.resolvers.set(issuer.issuer, resolver);
    }
    return resolver;
  }
}

function resolverOf({ issuer, keys }: TrustedIssuer): KeyResolver {
  if ('jwks' in keys) {
    return createLocalJWKSet({ keys: keys.jwks.keys.map((key) => ({ ...key })) });
  }
  if ('jwksUri' in keys) {
    return createRemoteJWKSet(new URL(keys.jwksUri), { timeoutDuration: 5000 });
  }
  const roots = keys.x5cRoots.map((pem) => new x509.X509Certificate(pem));
  const names = issuerNames(issuer);
  return async (header) => {
    const chain = header.x5c;
    if (!Array.isArray(chain) || chain.length === 0) throw new Error('no x5c');
    const [leaf, ...intermediates] = chain.map(
      (der) => new x509.X509Certificate(Buffer.from(der, 'base64')),
    );
    const built = await new x509.X509ChainBuilder({
      certificates: [...intermediates, ...roots],
    }).build(leaf, webcrypto);
    const top = built[built.length - 1];
    if (!roots.some((root) => root.equal(top))) throw new Error('x5c does not end at a root');
    checkPath(built, new Date());
    if (!names(leaf)) throw new Error('the x5c leaf does not name the issuer');
    return importX509(leaf.toString('pem'), header.alg ?? 'ES256');
  };
}

/**
 * RFC 5280 §6.1 as far as a chain of signatures does not go (the chain builder checks only names
 * and signatures): every certificate valid now, every one between the leaf and the trust anchor a
 * CA that may sign certificates (basicConstraints cA, keyUsage keyCertSign where it is given)
 * within its pathLenConstraint, and the leaf a signing key, not a CA. Otherwise an end-entity or
 * expired certificate anywhere under a shared root could sign itself an issuer's credentials.
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
    // The trust anchor (the last) is the operator's, OID4VP_TRUSTED_ISSUERS; those below it are not.
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

/**
 * SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, issuer keys from X.509): the leaf names the credential's
 * `iss`, as a uniformResourceIdentifier SAN equal to it, or (HAIP) a dNSName SAN equal to the host
 * of an https `iss`. Otherwise any certificate under a root trusted for one issuer could sign as
 * another issuer trusted under the same root. The issuer is read once, when its resolver is made.
 */
function issuerNames(issuer: string): (leaf: x509.X509Certificate) => boolean {
  let host: string | undefined;
  try {
    const url = new URL(issuer);
    if (url.protocol === 'https:') host = url.hostname.toLowerCase();
  } catch {
    // Not a URL: only a URI SAN equal to it names it.
  }
  return (leaf) =>
    (leaf.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? []).some(
      (name) =>
        (name.type === 'url' && name.value === issuer) ||
        (name.type === 'dns' && host !== undefined && name.value.toLowerCase() === host),
    );
}
