import { Injectable } from '@nestjs/common';
import { IssuerJwtSigner } from '../tokens/issuer-jwt.signer';
import { SET_ALG, SET_TYP } from './ssf-events';

/**
 * Signs a Security Event Token with the issuer's current RS256 key (one its JWKS publishes
 * whatever TOKEN_SIGNING_ALG is), `typ` `secevent+jwt` (RFC 8417 §2.3). A SET is signed when it is
 * sent: a retry or a second poll of the same SET carries the same claims (its `jti`) under a fresh
 * signature.
 */
@Injectable()
export class SetSigner {
  constructor(private readonly signer: IssuerJwtSigner) {}

  sign(claims: Readonly<Record<string, unknown>>): Promise<string> {
    // CAEP Interoperability Profile 1.0 §2.6: SETs are signed with RS256, the one alg every
    // receiver of the profile verifies; SSF 1.0 itself names none.
    return this.signer.signAsIs({ alg: SET_ALG, typ: SET_TYP }, claims);
  }
}
