import { Injectable, Logger } from '@nestjs/common';
import * as x509 from '@peculiar/x509';
import {
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  type JWTVerifyGetKey,
  compactVerify,
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  importX509,
} from 'jose';
import { Oid4vpConfig, type TrustedIssuer } from '../config/sections/oid4vp.config';
import { GuardedFetcher, OutboundFetchError } from '../platform/http/outbound/guarded-fetcher';
import { CLIENT_JWKS_LIMITS, fetchedJwks } from '../protocol-rules/client-jwks';
import { pathToRoot } from '../platform/crypto/x509-path';

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

/** How long a trusted issuer's jwks_uri may take to answer (jose's own default). */
const JWKS_TIMEOUT_MS = 5_000;

type KeyResolver = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => ReturnType<JWTVerifyGetKey>;

/**
 * The keys of the issuers in OID4VP_TRUSTED_ISSUERS, for jose's verification: a JWK Set given
 * inline, one fetched from its `jwks_uri` (jose caches it for 10 minutes and fetches it again on
 * an unknown `kid`, at most every 30 s; every fetch goes through the SSRF guard, see
 * `fetchJwks`), or the credential's own `x5c` chain when it ends at one of the issuer's
 * `x5c_roots` (every link's signature checked by @peculiar/x509's chain builder; the path's
 * validity, CA constraints and the leaf's naming of the issuer here: checkPath, issuerNames).
 */
@Injectable()
export class TrustedIssuerKeys {
  private readonly logger = new Logger(TrustedIssuerKeys.name);
  private readonly resolvers = new Map<string, KeyResolver>();

  constructor(
    private readonly config: Oid4vpConfig,
    private readonly fetcher: GuardedFetcher,
  ) {}

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
      resolver = this.resolverOf(issuer);
      this.resolvers.set(issuer.issuer, resolver);
    }
    return resolver;
  }

  private resolverOf(issuer: TrustedIssuer): KeyResolver {
    const { keys } = issuer;
    if ('jwks' in keys) {
      return createLocalJWKSet({ keys: keys.jwks.keys.map((key) => ({ ...key })) });
    }
    if ('jwksUri' in keys) {
      return createRemoteJWKSet(new URL(keys.jwksUri), {
        timeoutDuration: JWKS_TIMEOUT_MS,
        [customFetch]: (url: string) => this.fetchJwks(url),
      });
    }
    return x5cResolver(issuer.issuer, keys.x5cRoots);
  }

  /**
   * jose's fetch of a jwks_uri, through the SSRF guard rather than the global fetch: the host's
   * addresses checked (public only in production, unless OID4VP_ISSUER_ALLOW_PRIVATE) and pinned,
   * no redirect followed, the answer cut off past the size of a JWK Set and held to the key rules
   * an inline set meets. A refusal is logged with the host and the reason, and fails the
   * verification as an unreachable set does.
   */
  private async fetchJwks(url: string): Promise<Response> {
    const target = new URL(url);
    try {
      const fetched = await this.fetcher.get(target, {
        maxBytes: CLIENT_JWKS_LIMITS.bytes,
        timeoutMs: JWKS_TIMEOUT_MS,
        allowPrivate: this.config.issuerAllowPrivate,
        accept: 'application/json, application/jwk-set+json',
      });
      const read = fetchedJwks(fetched.body.toString('utf8'));
      if ('problem' in read) throw new OutboundFetchError(read.problem);
      return Response.json(read.jwks);
    } catch (error) {
      // The host and the reason only: the URI's path may carry anything.
      const reason = error instanceof OutboundFetchError ? error.message : 'unexpected failure';
      this.logger.warn(`trusted issuer jwks_uri of ${target.host} unusable: ${reason}`);
      throw error;
    }
  }
}

function x5cResolver(issuer: string, x5cRoots: readonly string[]): KeyResolver {
  const roots = x5cRoots.map((pem) => new x509.X509Certificate(pem));
  const names = issuerNames(issuer);
  return async (header) => {
    const chain = header.x5c;
    if (!Array.isArray(chain) || chain.length === 0) throw new Error('no x5c');
    const [leaf] = await pathToRoot(
      chain.map((der) => Buffer.from(der, 'base64')),
      roots,
      new Date(),
    );
    if (!names(leaf)) throw new Error('the x5c leaf does not name the issuer');
    return importX509(leaf.toString('pem'), header.alg ?? 'ES256');
  };
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
