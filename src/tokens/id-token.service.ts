import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { TokenConfig } from '../config/sections/tokens.config';
import type { SigningAlg } from '../protocol-rules/signing-algs';
import { type SignIdTokenInput } from './id-token';
import { AMR } from '../proofs/proof-vocabulary';
import { IssuerJwtSigner } from './issuer-jwt.signer';

/** The hash of a JWS alg (RFC 7518 §3.1): SHA-256 for ES256 and RS256, and so on. */
function hashOf(alg: SigningAlg): string {
  return `sha${alg.slice(-3)}`;
}

/**
 * OpenID Connect Core §3.1.3.6 `at_hash`: the left-most half of the hash of the access token's
 * ASCII octets, with the hash of the ID token's own alg, base64url encoded.
 */
export function accessTokenHash(accessToken: string, alg: SigningAlg): string {
  const digest = createHash(hashOf(alg)).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/**
 * Signs OpenID Connect ID tokens (Core §2) with the alg the client registered, by that alg's key,
 * else with the access tokens' key and alg.
 */
@Injectable()
export class IdTokenService {
  constructor(
    private readonly signer: IssuerJwtSigner,
    private readonly tokens: TokenConfig,
  ) {}

  sign(input: SignIdTokenInput): Promise<string> {
    return this.signer.sign({ alg: input.alg, typ: 'JWT' }, (iat, alg) => ({
      auth_time: input.authTime,
      ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
      at_hash: accessTokenHash(input.accessToken, alg),
      amr: input.amr ?? AMR[input.authMethod],
      ...(input.acr === undefined ? {} : { acr: input.acr }),
      ...(input.sid === undefined ? {} : { sid: input.sid }),
      ...input.profile,
      sub: input.sub,
      aud: input.clientId,
      // As long as the access token issued with it: what the ID token asserts is the same login.
      exp: iat + this.tokens.accessTokenTtlSeconds,
    }));
  }
}
