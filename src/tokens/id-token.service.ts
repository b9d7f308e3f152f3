import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ServerConfig } from '../config/sections/server.config';
import { TokenConfig } from '../config/sections/tokens.config';
import type { SigningAlg } from '../protocol-rules/signing-algs';
import { Clock } from '../platform/clock/clock';
import { signCompactJws } from './compact-jws';
import { type SignIdTokenInput } from './id-token';
import { AMR } from '../proofs/proof-vocabulary';
import { SigningKeyService } from './signing-keys/signing-key.service';

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
    private readonly keys: SigningKeyService,
    private readonly server: ServerConfig,
    private readonly tokens: TokenConfig,
    private readonly clock: Clock,
  ) {}

  async sign(input: SignIdTokenInput): Promise<string> {
    const key = await this.keys.signingKey(input.alg);
    const iat = this.clock.nowSeconds();
    return signCompactJws(
      { alg: key.alg, kid: key.kid, typ: 'JWT' },
      {
        auth_time: input.authTime,
        ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
        at_hash: accessTokenHash(input.accessToken, key.alg),
        amr: input.amr ?? AMR[input.authMethod],
        ...(input.acr === undefined ? {} : { acr: input.acr }),
        ...(input.sid === undefined ? {} : { sid: input.sid }),
        ...input.profile,
        iss: this.server.issuer,
        sub: input.sub,
        aud: input.clientId,
        iat,
        // As long as the access token issued with it: what the ID token asserts is the same login.
        exp: iat + this.tokens.accessTokenTtlSeconds,
      },
      key.privateKey,
    );
  }
}
