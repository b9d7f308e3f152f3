import { Injectable, Logger } from '@nestjs/common';
import { compactVerify, decodeProtectedHeader, errors } from 'jose';
import { ServerConfig } from '../config/sections/server.config';
import { SIGNING_ALGS } from '../protocol-rules/signing-algs';
import { InvalidRequest } from '../platform/errors/protocol-error';
import { SigningKeyService } from './signing-keys/signing-key.service';

/** What an `id_token_hint` says of the login it came from. */
export interface IdTokenHint {
  readonly sub: string;
  /** Its audiences: ours are always one client. */
  readonly audiences: readonly string[];
  /** The login session's `sid`, on ID tokens issued since sessions had one. */
  readonly sid?: string;
}

export const INVALID_ID_TOKEN_HINT = 'id_token_hint is not an ID token this server issued';

/**
 * OpenID Connect RP-Initiated Logout 1.0 §2: `id_token_hint` must be an ID token we signed
 * (checked against our own signing keys, retired ones included while they are published), but
 * may have expired: "the OP SHOULD accept ID Tokens when the RP identified by the ID Token's aud
 * claim and/or sid claim has a current session or had a recent session at the OP, even when the
 * exp time has passed". So the signature, `iss` and `typ` are checked, and `exp` is not.
 */
@Injectable()
export class IdTokenHintVerifier {
  private readonly logger = new Logger(IdTokenHintVerifier.name);

  constructor(
    private readonly keys: SigningKeyService,
    private readonly server: ServerConfig,
  ) {}

  async verify(hint: string): Promise<IdTokenHint> {
    let payload: Uint8Array;
    try {
      const header = decodeProtectedHeader(hint);
      // An access token or logout token is no ID token (each has its own explicit typ).
      if (header.typ !== 'JWT' || typeof header.kid !== 'string')
        throw new InvalidRequest(INVALID_ID_TOKEN_HINT);
      const key = await this.keys.verificationKey(header.kid);
      if (!key || key.alg !== header.alg) throw new InvalidRequest(INVALID_ID_TOKEN_HINT);
      ({ payload } = await compactVerify(hint, key.publicKey, { algorithms: [...SIGNING_ALGS] }));
    } catch (error) {
      if (error instanceof InvalidRequest) throw error.because('id_token_hint_invalid');
      if (!(error instanceof errors.JOSEError) && !(error instanceof TypeError)) throw error;
      this.logger.debug(
        `id_token_hint rejected: ${error instanceof errors.JOSEError ? error.code : 'malformed'}`,
      );
      throw new InvalidRequest(INVALID_ID_TOKEN_HINT).because('id_token_hint_invalid');
    }
    const claims = parseClaims(payload);
    if (!claims || claims.iss !== this.server.issuer) {
      throw new InvalidRequest(INVALID_ID_TOKEN_HINT).because('id_token_hint_invalid');
    }
    return {
      sub: claims.sub,
      audiences: claims.audiences,
      ...(claims.sid === undefined ? {} : { sid: claims.sid }),
    };
  }
}

function parseClaims(
  payload: Uint8Array,
): { iss: string; sub: string; audiences: string[]; sid?: string } | undefined {
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { iss, sub, aud, sid } = claims as Record<string, unknown>;
  const audiences = typeof aud === 'string' ? [aud] : aud;
  if (
    typeof iss !== 'string' ||
    typeof sub !== 'string' ||
    !Array.isArray(audiences) ||
    audiences.length === 0 ||
    !audiences.every((value): value is string => typeof value === 'string') ||
    (sid !== undefined && typeof sid !== 'string')
  ) {
    return undefined;
  }
  return { iss, sub, audiences, ...(typeof sid === 'string' ? { sid } : {}) };
}
