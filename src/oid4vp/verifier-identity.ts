import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import * as x509 from '@peculiar/x509';
import { SignJWT, base64url, type CryptoKey as JoseKey, importPKCS8 } from 'jose';
import { ServerConfig } from '../config/sections/server.config';
import { type ClientIdPrefix, Oid4vpConfig } from '../config/sections/oid4vp.config';

/** OpenID4VP 1.0 §5.8 (request object) typ. */
export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';
/** OpenID4VP 1.0 §5.2: where the wallet posts its answer. */
export const RESPONSE_PATH = '/oid4vp/response';

interface SigningIdentity {
  /** The chain's DERs, base64 (standard), the verifier's own first: the `x5c` header. */
  readonly x5c: readonly string[];
  /** OpenID4VP 1.0 §5.9.3: `x509_hash:` and the base64url SHA-256 of the certificate's DER. */
  readonly clientId: string;
  readonly key: JoseKey | Uint8Array;
}

/**
 * Who this verifier is to a wallet (OpenID4VP 1.0 §5.9): with the `redirect_uri:` prefix, its
 * response URI, and an unsigned request object; with `x509_hash:`, the hash of its certificate
 * (OID4VP_VERIFIER_CERT, or one made at start outside production), and a request object signed
 * with the certificate's key, the certificate and its intermediates in `x5c`.
 */
@Injectable()
export class VerifierIdentity {
  private signing?: Promise<SigningIdentity>;

  constructor(
    private readonly config: Oid4vpConfig,
    private readonly server: ServerConfig,
  ) {}

  get responseUri(): string {
    return `${this.server.issuer}${RESPONSE_PATH}`;
  }

  /** The prefixes this deployment can use: `x509_hash` needs a certificate (or development). */
  offers(prefix: ClientIdPrefix): boolean {
    return (
      prefix === 'redirect_uri' ||
      this.config.verifierCertificate !== undefined ||
      !this.server.isProduction
    );
  }

  async clientId(prefix: ClientIdPrefix): Promise<string> {
    if (prefix === 'redirect_uri') return `redirect_uri:${this.responseUri}`;
    return (await this.identity()).clientId;
  }

  /** The request object: unsigned (`alg` none) for `redirect_uri:`, ES256 with `x5c` otherwise. */
  async requestObject(prefix: ClientIdPrefix, claims: Record<string, unknown>): Promise<string> {
    if (prefix === 'redirect_uri') {
      const header = { alg: 'none', typ: REQUEST_OBJECT_TYP };
      const encode = (value: object) => base64url.encode(JSON.stringify(value));
      return `${encode(header)}.${encode(claims)}.`;
    }
    const { key, x5c } = await this.identity();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: REQUEST_OBJECT_TYP, x5c: [...x5c] })
      .sign(key);
  }

  private identity(): Promise<SigningIdentity> {
    this.signing ??= this.load();
    return this.signing;
  }

  private async load(): Promise<SigningIdentity> {
    const configured = this.config.verifierCertificate;
    if (configured !== undefined) {
      const chain = configured.chainPem.map((pem) =>
        Buffer.from(new x509.X509Certificate(pem).rawData),
      );
      const pkcs8 = createPrivateKey(configured.privateKeyPem)
        .export({ format: 'pem', type: 'pkcs8' })
        .toString();
      return identityOf(chain, await importPKCS8(pkcs8, 'ES256'));
    }
    return this.developmentIdentity();
  }

  /**
   * Outside production: a certificate for this process, named after the issuer's host (OpenID4VP
   * 1.0 §5.9.3 needs only its hash; a wallet that checks the SAN finds it), issued by a
   * development CA made with it and then forgotten: wallets refuse a self-signed one (HAIP), and
   * the CA, a trust anchor, stays out of `x5c`.
   */
  private async developmentIdentity(): Promise<SigningIdentity> {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const [caKeys, keys] = await Promise.all([
      webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']),
      webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']),
    ]);
    const host = new URL(this.server.issuer).hostname;
    const now = new Date();
    const validity = {
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
      signingAlgorithm: algorithm,
    };
    const serial = (role: string) =>
      createHash('sha256').update(`${role} ${now.toISOString()}`).digest('hex').slice(0, 16);
    const caName = `CN=${host} (Proofgate development CA)`;
    const ca = await x509.X509CertificateGenerator.createSelfSigned(
      {
        ...validity,
        serialNumber: serial('ca'),
        name: caName,
        keys: caKeys,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
        ],
      },
      webcrypto,
    );
    const leaf = await x509.X509CertificateGenerator.create(
      {
        ...validity,
        serialNumber: serial('verifier'),
        subject: `CN=${host} (Proofgate development verifier)`,
        issuer: ca.subject,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }]),
        ],
      },
      webcrypto,
    );
    return identityOf([Buffer.from(leaf.rawData)], keys.privateKey);
  }
}

/** `chain`: DERs, the verifier's own first (whose hash is the client identifier). */
function identityOf(chain: readonly Buffer[], key: SigningIdentity['key']): SigningIdentity {
  return {
    x5c: chain.map((der) => der.toString('base64')),
    clientId: `x509_hash:${createHash('sha256').update(chain[0]).digest('base64url')}`,
    key,
  };
}
