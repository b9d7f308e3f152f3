import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../../config/sections/server.config';
import { Clock } from '../../platform/clock/clock';
import {
  InsufficientScope,
  InvalidToken,
  MalformedAuthorization,
  ProtocolError,
} from '../../platform/errors/protocol-error';
import { AccessTokenService } from '../access-token.service';
import type { AccessTokenClaims } from '../access-token';
import {
  DpopError,
  DpopResourceChallenge,
  InvalidDpopProof,
  inTokenScheme,
} from '../dpop/dpop.errors';
import { DpopProofVerifier } from '../dpop/dpop-proof.verifier';
import { ClientRegistry } from '../../clients/client-registry.service';
import { clientProofAlgs } from '../dpop/client-proof-algs';
import { hasScope } from '../scopes';
import type { ActiveGrant } from './grant';
import { GrantRepository } from './grant.repository';

/** RFC 6750 §3: no credentials at all is a bare challenge, without an error code. */
export class BearerTokenMissing extends ProtocolError {
  readonly error = 'invalid_request';
  readonly status = 401;
  constructor() {
    super('A bearer access token is required');
    this.headers['WWW-Authenticate'] = 'Bearer realm="proofgate"';
  }
}

/** What a protected-resource request presents: its credentials, and what a proof must match. */
export interface PresentedToken {
  authorization: string | undefined;
  /** The `DPoP` header (RFC 9449 §7.1), with `Authorization: DPoP <token>`. */
  dpop: string | undefined;
  method: string;
  /** The request's path, without query: the proof's `htu` is `<ISSUER><path>`. */
  path: string;
  /**
   * Sends a `DPoP-Nonce` with the answer (RFC 9449 §9), for routes that authenticate the token
   * themselves (`PresentedAccessToken`): the next nonce, when the proof's was about to expire.
   */
  sendDpopNonce?: (nonce: string) => void;
  /** The `aud` the token must carry; absent: ACCESS_TOKEN_AUDIENCE (the protected API's). */
  audience?: string;
}

/** A request's access token, verified, and the DPoP nonce to send with the answer, if any. */
export interface AuthenticatedToken {
  claims: AccessTokenClaims;
  /** The token's live grant, as far as a resource needs it (a device grant's tokens). */
  grant: ActiveGrant;
  dpopNonce?: string;
}

const CREDENTIALS = /^(Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Authenticates a protected-resource request: a valid JWT access token (signature, typ, iss,
 * aud, exp) whose grant is live and which was not revoked on its own. A DPoP-bound token
 * (RFC 9449 §7) must come as `Authorization: DPoP <token>` with a proof of its key for this
 * request (`htm`, `htu`, `ath`), whose `jti` is recorded alongside the grant's check: two
 * concurrent round trips instead of one. Sent as a bearer token, a bound token is refused.
 */
@Injectable()
export class BearerTokenAuthenticator {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly grants: GrantRepository,
    private readonly dpop: DpopProofVerifier,
    private readonly clock: Clock,
    private readonly server: ServerConfig,
    private readonly clients: ClientRegistry,
  ) {}

  async authenticate(presented: PresentedToken): Promise<AuthenticatedToken> {
    const { authorization } = presented;
    // RFC 6750 §3.1: no credentials, or another scheme's (Basic), get the bare challenge; a
    // Bearer or DPoP header that does not parse is a malformed request, not a token to replace.
    const sent = authorization?.trim().split(' ', 1)[0].toLowerCase();
    if (authorization === undefined || (sent !== 'bearer' && sent !== 'dpop')) {
      throw new BearerTokenMissing();
    }
    const match = CREDENTIALS.exec(authorization.trim());
    if (!match) throw new MalformedAuthorization();
    const [, scheme, token] = match;
    if (scheme.length === 6) return this.bearer(token, presented.audience);
    try {
      return await this.proven(token, presented);
    } catch (error) {
      throw asDpopChallenge(error);
    }
  }

  /**
   * `authenticate` for a route that needs `scope` (the admin API's, the SSF stream API's): a due
   * DPoP nonce goes out first (`sendDpopNonce`), whatever follows; a token without the scope is
   * `403 insufficient_scope` (RFC 6750 §3.1) saying `refusal`, in the DPoP scheme for a bound token
   * (RFC 9449 §7.1).
   */
  async authenticateWithScope(
    presented: PresentedToken,
    scope: string,
    refusal = `This call needs the scope ${scope}`,
  ): Promise<AuthenticatedToken> {
    const authenticated = await this.authenticate(presented);
    if (authenticated.dpopNonce !== undefined) presented.sendDpopNonce?.(authenticated.dpopNonce);
    if (!hasScope(authenticated.claims.scope, scope)) {
      throw inTokenScheme(authenticated.claims, new InsufficientScope(refusal, scope));
    }
    return authenticated;
  }

  private async bearer(token: string, audience: string | undefined): Promise<AuthenticatedToken> {
    const claims = await this.accessTokens.verify(token, { audience });
    // RFC 9449 §7.2: a bound token is worth nothing without its key.
    if (claims.cnf !== undefined) {
      throw new DpopResourceChallenge(
        'invalid_token',
        'The access token is DPoP-bound: send it as "DPoP <token>" with a proof of its key',
      );
    }
    return { claims, grant: await this.checkActive(claims) };
  }

  private async proven(token: string, presented: PresentedToken): Promise<AuthenticatedToken> {
    if (presented.dpop === undefined) {
      throw new InvalidDpopProof('A DPoP proof is required with the DPoP scheme');
    }
    const [claims, proof] = await Promise.all([
      this.accessTokens.verify(token, { audience: presented.audience }),
      this.dpop.verify(presented.dpop, {
        method: presented.method,
        url: new URL(`${this.server.issuer}${presented.path}`).href,
        accessToken: token,
      }),
    ]);
    if (claims.cnf === undefined) {
      throw new InvalidToken('The access token is not DPoP-bound: send it as "Bearer <token>"');
    }
    if (claims.cnf.jkt !== proof.jkt) {
      throw new InvalidDpopProof(
        'The DPoP proof is signed by another key than the access token is bound to',
      ).because('jkt_mismatch');
    }
    this.dpop.requireAlgorithm(
      proof,
      await clientProofAlgs(this.clients, claims.client_id, proof.alg),
    );
    // The grant's check (a read) and the proof's single use, in parallel: both must hold before
    // the resource does anything.
    const [grant] = await Promise.all([this.checkActive(claims), this.dpop.recordJti(proof)]);
    this.dpop.rememberKey(proof);
    return { claims, grant, ...(proof.nextNonce ? { dpopNonce: proof.nextNonce } : {}) };
  }

  /**
   * Signature-valid claims are active only while their grant is, the jti is not revoked, and
   * their client is still known: a client taken out of OAUTH_CLIENTS (or past its expiry) ends
   * its tokens at once, not when they expire. The client is read from the registry's memory as a
   * rule, beside the grant's read.
   */
  private async checkActive(claims: AccessTokenClaims): Promise<ActiveGrant> {
    const [grant, known] = await Promise.all([
      this.grants.activeGrantOf(claims.gid, claims.jti, this.clock.now()),
      this.clients.stillKnown(claims.client_id),
    ]);
    if (grant === null) throw new InvalidToken('The access token has been revoked');
    if (!known) throw new InvalidToken('The client of the access token is no longer known');
    return grant;
  }
}

/** RFC 9449 §7.1, §9: a DPoP request's refusals are `401` with a DPoP challenge. */
function asDpopChallenge(error: unknown): unknown {
  if (error instanceof DpopError) return error.atResource();
  if (error instanceof InvalidToken) {
    return new DpopResourceChallenge('invalid_token', error.description);
  }
  return error;
}
