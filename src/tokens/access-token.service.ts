import { Injectable, Logger } from '@nestjs/common';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { Clock } from '../platform/clock/clock';
import { randomIdentifier } from '../platform/crypto/hashing';
import { InvalidToken } from '../platform/errors/protocol-error';
import { ServerConfig } from '../config/sections/server.config';
import { TokenConfig } from '../config/sections/tokens.config';
import { SIGNING_ALGS } from '../protocol-rules/signing-algs';
import {
  ACCESS_TOKEN_TYP,
  MAX_ACTOR_DEPTH,
  REGISTERED_CLAIMS,
  approvalClaimOf,
  isFederatedSubject,
  isWorkloadSubject,
  type Actor,
  type AccessTokenClaims,
  type SignAccessTokenInput,
  type SignedAccessToken,
} from './access-token';
import { AUTH_METHODS, type AuthMethod } from '../proofs/proof-vocabulary';
import { signCompactJws } from './compact-jws';
import {
  type AuthorizationDetail,
  parseAuthorizationDetails,
} from '../protocol-rules/authorization-details';
import { hasLowS } from './ecdsa-low-s';
import { SigningKeyService } from './signing-keys/signing-key.service';

export const ACCESS_TOKEN_EXPIRED = 'The access token expired';
export const ACCESS_TOKEN_INVALID = 'The access token is invalid';
export const ACCESS_TOKEN_FOR_ANOTHER_RESOURCE = 'The access token is for another resource';

/** 16 bytes: 128 bits of CSPRNG output per jti. */
const JTI_BYTES = 16;

function isAuthMethod(value: unknown): value is AuthMethod {
  return (AUTH_METHODS as readonly unknown[]).includes(value);
}

/**
 * The claims of a verified access token as Proofgate issues them (`gid`, a known `auth_method`
 * or a subject that may go without one, `act`, `authorization_details`, `approval`), or
 * undefined when one is not what Proofgate writes: such a token is refused as invalid.
 */
export function accessTokenClaimsOf(payload: JWTPayload): AccessTokenClaims | undefined {
  const { iss, sub, aud, exp, iat, jti } = payload;
  const { client_id, scope, auth_method, gid, auth_time, acr } = payload;
  if (
    typeof iss !== 'string' ||
    typeof sub !== 'string' ||
    // We issue one audience per token (RFC 8707); jose has checked it when the caller asked.
    typeof aud !== 'string' ||
    typeof exp !== 'number' ||
    typeof iat !== 'number' ||
    typeof jti !== 'string' ||
    typeof client_id !== 'string' ||
    typeof scope !== 'string' ||
    typeof gid !== 'string' ||
    // A token without a login method is a client's own (its subject is the client) or names a
    // user or a workload a trusted issuer vouched for (the JWT-bearer grant).
    (auth_method === undefined
      ? sub !== client_id && !isFederatedSubject(sub) && !isWorkloadSubject(sub)
      : !isAuthMethod(auth_method))
  ) {
    return undefined;
  }
  const cnf = confirmation(payload.cnf);
  if (cnf === null) return undefined;
  const act = payload.act === undefined ? undefined : actor(payload.act, MAX_ACTOR_DEPTH);
  if (act === null) return undefined;
  const details = payload.authorization_details;
  let authorizationDetails: AuthorizationDetail[] | undefined;
  if (details !== undefined) {
    const parsed = parseAuthorizationDetails(details);
    if (!parsed.ok) return undefined;
    authorizationDetails = parsed.details;
  }
  const approval = approvalClaimOf(payload.approval);
  if (approval === null) return undefined;
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (!REGISTERED_CLAIMS.has(name) && typeof value === 'string') extra[name] = value;
  }
  return {
    iss,
    sub,
    aud,
    exp,
    iat,
    jti,
    client_id,
    scope,
    ...(isAuthMethod(auth_method) ? { auth_method } : {}),
    gid,
    ...(typeof auth_time === 'number' ? { auth_time } : {}),
    ...(typeof acr === 'string' ? { acr } : {}),
    ...(cnf ? { cnf } : {}),
    ...(act ? { act } : {}),
    ...(authorizationDetails ? { authorization_details: authorizationDetails } : {}),
    ...(approval ? { approval } : {}),
    extra,
  };
}

/** RFC 8693 §4.1 `act`: `{ sub, act? }` nested at most `depth` deep, or null when malformed. */
function actor(value: unknown, depth: number): Actor | null {
  if (depth === 0 || typeof value !== 'object' || value === null) return null;
  const { sub, act } = value as { sub?: unknown; act?: unknown };
  if (typeof sub !== 'string') return null;
  if (act === undefined) return { sub };
  const prior = actor(act, depth - 1);
  return prior === null ? null : { sub, act: prior };
}

/** RFC 9449 §6.1 `cnf`: absent (a bearer token), `{ jkt }`, or null when malformed. */
function confirmation(cnf: unknown): { jkt: string } | undefined | null {
  if (cnf === undefined) return undefined;
  if (typeof cnf !== 'object' || cnf === null || !('jkt' in cnf)) return null;
  return typeof cnf.jkt === 'string' ? { jkt: cnf.jkt } : null;
}

/** Issues and verifies RFC 9068 JWT access tokens with the service's signing keys. */
@Injectable()
export class AccessTokenService {
  private readonly logger = new Logger(AccessTokenService.name);

  constructor(
    private readonly keys: SigningKeyService,
    private readonly server: ServerConfig,
    private readonly tokens: TokenConfig,
    private readonly clock: Clock,
  ) {}

  async sign(input: SignAccessTokenInput): Promise<SignedAccessToken> {
    const extra = input.extra ?? {};
    const clash = Object.keys(extra).find((name) => REGISTERED_CLAIMS.has(name));
    if (clash !== undefined)
      throw new Error(`Extra claim "${clash}" would override a registered claim`);

    const key = await this.keys.signingKey();
    const iat = this.clock.nowSeconds();
    const exp = Math.min(iat + this.tokens.accessTokenTtlSeconds, input.notAfter ?? Infinity);
    const expiresIn = exp - iat;
    const jti = randomIdentifier(JTI_BYTES);
    const token = signCompactJws(
      { alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYP },
      {
        ...extra,
        client_id: input.clientId,
        scope: input.scope,
        ...(input.authMethod === undefined ? {} : { auth_method: input.authMethod }),
        gid: input.grantId,
        ...(input.authTime === undefined ? {} : { auth_time: input.authTime }),
        ...(input.acr === undefined ? {} : { acr: input.acr }),
        ...(input.jkt === undefined ? {} : { cnf: { jkt: input.jkt } }),
        ...(input.act === undefined ? {} : { act: input.act }),
        ...(input.authorizationDetails === undefined
          ? {}
          : { authorization_details: input.authorizationDetails }),
        ...(input.approval === undefined ? {} : { approval: input.approval }),
        iss: this.server.issuer,
        sub: input.sub,
        aud: input.audience ?? this.tokens.audience,
        iat,
        exp,
        jti,
      },
      key.privateKey,
    );
    return { token, jti, expiresAt: new Date(exp * 1000), expiresIn };
  }

  /**
   * RFC 9068 §4 validation: signature by a published key of an allowed alg, `typ`, `iss`, `aud`
   * and `exp` against the service clock, and for ES256 the canonical (low-s) signature Proofgate
   * signs with (see ecdsa-low-s.ts): the other encoding of a token is refused. Revocation is checked by callers on top of this.
   * `aud` must be ACCESS_TOKEN_AUDIENCE (Proofgate's own API), or `audience` (the admin API's),
   * unless `anyAudience`: introspection describes tokens issued for any resource (RFC 8707) to the
   * resource servers that ask.
   */
  async verify(
    token: string,
    { anyAudience = false, audience }: { anyAudience?: boolean; audience?: string } = {},
  ): Promise<AccessTokenClaims> {
    let payload: JWTPayload;
    let alg: string;
    try {
      ({
        payload,
        protectedHeader: { alg },
      } = await jwtVerify(token, this.resolveKey, {
        algorithms: [...SIGNING_ALGS],
        typ: ACCESS_TOKEN_TYP,
        issuer: this.server.issuer,
        ...(anyAudience ? {} : { audience: audience ?? this.tokens.audience }),
        requiredClaims: ['sub', 'aud', 'exp', 'iat', 'jti'],
        currentDate: this.clock.now(),
      }));
    } catch (error) {
      // Infrastructure failures (the key lookup's database) are not the token's fault.
      if (!(error instanceof errors.JOSEError)) throw error;
      this.logger.debug(`Access token rejected: ${error.code}`);
      throw new InvalidToken(
        error instanceof errors.JWTExpired
          ? ACCESS_TOKEN_EXPIRED
          : error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud'
            ? ACCESS_TOKEN_FOR_ANOTHER_RESOURCE
            : ACCESS_TOKEN_INVALID,
      );
    }
    if (alg === 'ES256' && !hasLowS(token)) {
      this.logger.debug('Access token rejected: a high-s (non-canonical) ES256 signature');
      throw new InvalidToken(ACCESS_TOKEN_INVALID);
    }
    const claims = accessTokenClaimsOf(payload);
    if (!claims) {
      this.logger.debug('Access token rejected: claims of the wrong type');
      throw new InvalidToken(ACCESS_TOKEN_INVALID);
    }
    return claims;
  }

  /**
   * jose's key lookup for the service's access tokens: the published key of the header's `kid`,
   * whose own alg must be the header's. /api's resource server (the package) verifies with it too.
   */
  readonly resolveKey: JWTVerifyGetKey = async (header) => {
    const key = header.kid === undefined ? undefined : await this.keys.verificationKey(header.kid);
    // The header's alg must be the key's own, not merely one on the allow-list.
    if (!key || key.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
    return key.publicKey;
  };
}
