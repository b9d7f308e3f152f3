import { Injectable } from '@nestjs/common';
import { IssuerJwtSigner } from '../tokens/issuer-jwt.signer';
import { SET_TYP } from './ssf-events';

/**
 * Signs a Security Event Token with the issuer's current key (the one its JWKS publishes), `typ`
 * `secevent+jwt` (RFC 8417 §2.3). A SET is signed when it is sent: a retry or a second poll of the
 * same SET carries the same claims (its `jti`) under a fresh signature.
 */
@Injectable()
export class SetSigner {
  constructor(private readonly signer: IssuerJwtSigner) {}

  sign(claims: Readonly<Record<string, unknown>>): Promise<string> {
    return this.signer.signAsIs({ typ: SET_TYP }, claims);
  }
}
