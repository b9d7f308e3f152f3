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
 * signature checked by @peculiar/x509's chain builder, and the leaf valid now).
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

function resolverOf({ keys }: TrustedIssuer): KeyResolver {
  if ('jwks' in keys) {
    return createLocalJWKSet({ keys: keys.jwks.keys.map((key) => ({ ...key })) });
  }
  if ('jwksUri' in keys) {
    return createRemoteJWKSet(new URL(keys.jwksUri), { timeoutDuration: 5000 });
  }
  const roots = keys.x5cRoots.map((pem) => new x509.X509Certificate(pem));
  return async (header) => {
    const chain = header.x5c;
    if (!Array.isArray(chain) || chain.length === 0) throw new Error('no x5c');
    const [leaf, ...intermediates] = chain.map(
      (der) => new x509.X509Certificate(Buffer.from(der, 'base64')),
    );
    const now = new Date();
    if (leaf.notBefore > now || leaf.notAfter < now) throw new Error('certificate not valid now');
    const built = await new x509.X509ChainBuilder({
      certificates: [...intermediates, ...roots],
    }).build(leaf, webcrypto);
    const top = built[built.length - 1];
    if (!roots.some((root) => root.equal(top))) throw new Error('x5c does not end at a root');
    return importX509(leaf.toString('pem'), header.alg ?? 'ES256');
  };
}
