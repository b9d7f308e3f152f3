import { Injectable, Logger } from '@nestjs/common';
import {
  ResourceServer,
  type ProtectedRequest,
  type RefusalEvent,
  type TokenRefusal,
  type VerifiedClaims,
} from '@proofgate/resource-server';
import { ChallengeRejected } from '../challenges/challenge.events';
import { ChallengeStore } from '../challenges/challenge-store';
import { ClientRegistry } from '../clients/client-registry.service';
import { DpopConfig } from '../config/sections/dpop.config';
import { ServerConfig } from '../config/sections/server.config';
import { StepUpConfig } from '../config/sections/step-up.config';
import { TokenConfig } from '../config/sections/tokens.config';
import { Clock } from '../platform/clock/clock';
import { DomainEvents } from '../platform/events/domain-events';
import { unmetAcr } from '../protocol-rules/acr';
import { SIGNING_ALGS } from '../protocol-rules/signing-algs';
import type { AccessTokenClaims } from '../tokens/access-token';
import {
  ACCESS_TOKEN_INVALID,
  AccessTokenService,
  accessTokenClaimsOf,
} from '../tokens/access-token.service';
import { clientProofAlgs } from '../tokens/dpop/client-proof-algs';
import { DPOP_SIGNING_ALGS } from '../tokens/dpop/dpop-algorithms';
import { dpopJtiReplays } from '../tokens/dpop/dpop-jti-replays';
import { DpopNonces } from '../tokens/dpop/dpop-nonces';
import { DPOP_PROOF_FUTURE_SECONDS, DPOP_PROOF_MAX_AGE_SECONDS } from '../tokens/dpop/dpop.proof';
import { GrantRepository } from '../tokens/grants/grant.repository';
import { protectedResourceMetadataUrl } from './protected-resource-metadata.controller';

/** A request to /api as the package's core sees it, with the claims the service's check read. */
export interface ApiRequest extends ProtectedRequest {
  accessToken?: AccessTokenClaims;
}

/**
 * Proofgate's own API (`/api`) guarded by the resource-server package's core, the one rule set
 * every API of Proofgate tokens runs on: signature, claims, DPoP and the challenges are the
 * package's. What only the service knows is plugged in: its keys (no JWKS fetch), the challenge
 * store as the fleet-wide `jti` record, its nonces (shared with /token), a fapi2 client's proof
 * algorithms, and as `check` the token's shape as Proofgate writes it, its grant still live
 * (revocation, logout) and the `acr` its scope and resource need. A refused DPoP proof is told
 * to the figures as every other proof's refusal (ChallengeRejected).
 */
@Injectable()
export class ApiResourceServer {
  readonly core: ResourceServer;
  private readonly logger = new Logger(ApiResourceServer.name);

  constructor(
    accessTokens: AccessTokenService,
    store: ChallengeStore,
    nonces: DpopNonces,
    server: ServerConfig,
    tokens: TokenConfig,
    dpop: DpopConfig,
    private readonly grants: GrantRepository,
    private readonly clients: ClientRegistry,
    private readonly stepUp: StepUpConfig,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {
    this.core = new ResourceServer({
      issuer: server.issuer,
      resource: tokens.audience,
      // DPoP's htu is `<ISSUER><path>`: /api is served under the issuer, whatever its audience.
      url: server.issuer,
      realm: 'proofgate',
      resourceMetadataUrl: protectedResourceMetadataUrl(server.issuer),
      keys: accessTokens.resolveKey,
      algorithms: SIGNING_ALGS,
      // The service's tokens are verified against its own clock, without skew.
      clockToleranceSeconds: 0,
      now: () => clock.now().getTime(),
      dpop: {
        required: dpop.requiredAtApi,
        algs: DPOP_SIGNING_ALGS,
        allowedAlgs: (claims, alg) => clientProofAlgs(clients, claims.client_id ?? '', alg),
        proofMaxAgeSeconds: DPOP_PROOF_MAX_AGE_SECONDS,
        proofFutureSeconds: DPOP_PROOF_FUTURE_SECONDS,
        replays: dpopJtiReplays(store),
        nonces,
        requireNonce: dpop.requireNonce,
      },
      check: (claims, request) => this.check(claims, request),
      onRefusal: (refusal) => this.report(refusal),
    });
  }

  /**
   * What the package cannot know: that the token is one Proofgate writes, that its grant is live
   * and its `jti` not revoked (one read, run beside the proof's `jti` record), its client still
   * known (ClientRegistry, from memory as a rule), and the `acr` its
   * scope and resource need (ACR_REQUIRED_BY_SCOPE / _BY_RESOURCE; a device grant reaches none).
   */
  private async check(
    verified: VerifiedClaims,
    request: ApiRequest,
  ): Promise<TokenRefusal | undefined> {
    const claims = accessTokenClaimsOf(verified.payload);
    if (!claims) {
      return {
        error: 'invalid_token',
        description: ACCESS_TOKEN_INVALID,
        reason: 'malformed_claims',
      };
    }
    // The client is read from the registry's memory as a rule, beside the grant's read.
    const [grant, known] = await Promise.all([
      this.grants.activeGrantOf(claims.gid, claims.jti, this.clock.now()),
      this.clients.stillKnown(claims.client_id),
    ]);
    if (grant === null) {
      return {
        error: 'invalid_token',
        description: 'The access token has been revoked',
        reason: 'revoked',
      };
    }
    if (!known) {
      // A client taken out of OAUTH_CLIENTS (or past its expiry): its tokens end with it.
      return {
        error: 'invalid_token',
        description: 'The client of the access token is no longer known',
        reason: 'client_unknown',
      };
    }
    const acr = unmetAcr({ ...claims, grantType: grant.grantType }, this.stepUp)?.acr;
    if (acr !== undefined) {
      return {
        error: 'insufficient_user_authentication',
        description:
          grant.grantType === undefined
            ? `This resource needs a login of acr ${acr} (a passkey sign-in); authorize again with acr_values=${acr}`
            : `This resource needs a login of acr ${acr} (a passkey sign-in), which a device grant never carries (RFC 8628 §5.4); authorize at /authorize with acr_values=${acr}`,
        acr_values: acr,
        reason: 'acr_unmet',
      };
    }
    request.accessToken = claims;
    return undefined;
  }

  /** A refused DPoP proof counts in the figures as at /token (kind `dpop_jti`, by reason). */
  private report({ status, error, reason }: RefusalEvent): void {
    // The reason is one of the package's bounded words: never the token or the proof.
    this.logger.debug(`/api/me refused (${status} ${error}): ${reason}`);
    if (error === 'invalid_dpop_proof' || error === 'use_dpop_nonce') {
      this.events.emit(new ChallengeRejected('dpop_jti', reason));
    }
  }
}
