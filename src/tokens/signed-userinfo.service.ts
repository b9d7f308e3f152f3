import { Injectable } from '@nestjs/common';
import type { SigningAlg } from '../protocol-rules/signing-algs';
import { IssuerJwtSigner } from './issuer-jwt.signer';

/** A UserInfo answer to sign for a client (OpenID Connect Core §5.3.2). */
export interface SignedUserInfoInput {
  /** The client that registered `userinfo_signed_response_alg`: the JWT's `aud`. */
  readonly clientId: string;
  /** Its `userinfo_signed_response_alg`: signed by the server's key for that alg. */
  readonly alg: SigningAlg;
  /** The claims the JSON answer would carry (a plain object), `sub` among them. */
  readonly claims: { readonly sub: string };
}

/**
 * Signs OpenID Connect UserInfo answers for a client that registered `userinfo_signed_response_alg`
 * (Core §5.3.2, Registration §2): the same claims as the JSON answer, with `iss` and `aud` as §5.3.2
 * asks and `iat`, signed by the key of that alg in /jwks.json, as the client's ID tokens are. No
 * `exp`: the answer says what the account was at `iat`; an ID token must carry one (Core
 * §3.1.3.7), so this JWT cannot pass for one.
 */
@Injectable()
export class SignedUserInfoService {
  constructor(private readonly signer: IssuerJwtSigner) {}

  sign(input: SignedUserInfoInput): Promise<string> {
    return this.signer.sign({ alg: input.alg }, () => ({
      ...input.claims,
      aud: input.clientId,
    }));
  }
}
