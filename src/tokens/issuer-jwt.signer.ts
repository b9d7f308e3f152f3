import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../config/sections/server.config';
import type { SigningAlg } from '../protocol-rules/signing-algs';
import { Clock } from '../platform/clock/clock';
import { signCompactJws } from './compact-jws';
import { SigningKeyService } from './signing-keys/signing-key.service';

/** Which key signs a JWT, and its explicit type (RFC 8725 §3.11). */
export interface IssuerJwtHeader {
  /** The signing alg (absent: TOKEN_SIGNING_ALG); the key is the server's key for it. */
  readonly alg?: SigningAlg;
  readonly typ?: string;
}

/**
 * Signs a JWT this server issues (ID tokens, logout tokens, signed UserInfo answers, CIBA
 * notifications): by its signing key for the alg, the key's `kid` in the header, and `iss` the
 * issuer and `iat` now among the claims, over whatever `claims` says (given `iat` for the times
 * it sets from it, and the alg the key signs with).
 */
@Injectable()
export class IssuerJwtSigner {
  constructor(
    private readonly keys: SigningKeyService,
    private readonly server: ServerConfig,
    private readonly clock: Clock,
  ) {}

  async sign(
    header: IssuerJwtHeader,
    claims: (iat: number, alg: SigningAlg) => Record<string, unknown>,
  ): Promise<string> {
    const iat = this.clock.nowSeconds();
    return this.signWith(header, (alg) => ({
      ...claims(iat, alg),
      iss: this.server.issuer,
      iat,
    }));
  }

  /**
   * Signs `claims` as they are, `iss` and `iat` included: a JWT whose claims were fixed when
   * it was issued and that is signed again each time it is sent (a Security Event Token).
   */
  signAsIs(header: IssuerJwtHeader, claims: Readonly<Record<string, unknown>>): Promise<string> {
    return this.signWith(header, () => ({ ...claims }));
  }

  private async signWith(
    { alg, typ }: IssuerJwtHeader,
    claims: (alg: SigningAlg) => Record<string, unknown>,
  ): Promise<string> {
    const key = await this.keys.signingKey(alg);
    return signCompactJws(
      { alg: key.alg, kid: key.kid, ...(typ === undefined ? {} : { typ }) },
      claims(key.alg),
      key.privateKey,
    );
  }
}
