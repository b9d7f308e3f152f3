import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../../challenges/challenge-store';
import { Clock } from '../../../platform/clock/clock';
import { sha256Base64Url } from '../../../platform/crypto/hashing';
import { ChallengeEvents } from '../../../compare/figures/challenge-events.service';
import {
  InvalidGrant,
  InvalidRequest,
  ProtocolError,
} from '../../../platform/errors/protocol-error';
import { MetricsService } from '../../../telemetry/metrics.service';
import { Params } from '../../../platform/http/single-params';
import { SecurityEventLog } from '../../../telemetry/security-events/security-event.log';
import { Grant } from '../../../tokens/grants/grant';
import { GrantRepository } from '../../../tokens/grants/grant.repository';
import { GrantTokenIssuer, TokenResponse } from '../../../tokens/grants/grant-token.issuer';
import type {
  AuthorizationCodeBinding,
  AuthorizationCodePayload,
} from '../../authorize/authorization-code.service';
import { OAuthClient } from '../../../clients/oauth-client';
import { checkCodeVerifier, s256 } from '../../pkce/check-pkce';
import { GrantHandler } from '../grant-handler';

/** RFC 6749 §4.1.3 with RFC 7636 §4.5-4.6, as OAuth 2.1 requires them. */
@Injectable()
export class AuthorizationCodeGrant extends GrantHandler {
  readonly grantType = 'authorization_code';

  constructor(
    private readonly store: ChallengeStore,
    private readonly grants: GrantRepository,
    private readonly issuer: GrantTokenIssuer,
    private readonly events: SecurityEventLog,
    private readonly challengeEvents: ChallengeEvents,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async handle(client: OAuthClient, params: Params): Promise<TokenResponse> {
    try {
      return await this.redeem(client, params);
    } catch (error) {
      if (error instanceof ProtocolError && error.status < 500) {
        const reason = error.reason ?? error.error;
        if (PKCE_PROOF_FAILURES.has(reason)) this.metrics.pkceFailures.inc({ reason });
        await this.challengeEvents.rejected('pkce', reason);
      }
      throw error;
    }
  }

  private async redeem(client: OAuthClient, params: Params): Promise<TokenResponse> {
    const code = required(params, 'code');
    const redirectUri = required(params, 'redirect_uri');
    // Every code here was issued with an S256 challenge, so a verifier is always due; a code
    // without a challenge could never match the binding below (downgrade guard).
    const verifier = checkCodeVerifier(params.code_verifier);

    // One atomic consume whose filter carries client, redirect URI and the PKCE proof: a wrong
    // verifier, client or redirect URI leaves the code for its rightful owner.
    const binding: AuthorizationCodeBinding = {
      client_id: client.clientId,
      redirect_uri: redirectUri,
      code_challenge: s256(verifier),
    };
    // The grant is recorded before the code's document goes: a replay finds one or the other.
    let grant: Grant | undefined;
    const result = await this.store.consume<AuthorizationCodePayload>(
      'authorization_code',
      code,
      binding,
      {
        beforeRelease: async ({ keyHash, payload }) => {
          grant = await this.issuer.openGrant({
            clientId: client.clientId,
            sub: payload.sub,
            scope: payload.scope,
            authMethod: payload.authMethod,
            codeHash: keyHash,
          });
        },
      },
    );

    if (!result.ok) {
      switch (result.reason) {
        case 'expired':
          throw new InvalidGrant('Authorization code expired').because('expired');
        case 'binding_mismatch':
          if (result.mismatched.includes('client_id')) {
            throw new InvalidGrant('Authorization code was issued to another client').because(
              'client_mismatch',
            );
          }
          if (result.mismatched.includes('redirect_uri')) {
            throw new InvalidGrant('redirect_uri does not match the authorization request').because(
              'redirect_uri_mismatch',
            );
          }
          throw new InvalidGrant('PKCE verification failed').because('wrong_verifier');
        case 'unknown':
          return this.rejectUnknownOrReplayed(client, code, result.redeemed === true);
      }
    }

    if (!grant) throw new Error('The redeemed code has no grant recorded');
    const tokens = await this.issuer.issueFor(grant);
    // A replay arrived while this redemption was in flight: it was refused, and these tokens
    // are revoked with their grant, as for any replay.
    if (result.replayed) await this.revokeReplayed(client, grant, result.challenge.keyHash);
    return tokens;
  }

  /** RFC 6749 §4.1.2: a code used twice revokes every token issued from it. */
  private async rejectUnknownOrReplayed(
    client: OAuthClient,
    code: string,
    inFlight: boolean,
  ): Promise<never> {
    const codeHash = sha256Base64Url(code);
    const grant = await this.grants.findByCodeHash(codeHash);
    if (grant) await this.revokeReplayed(client, grant, codeHash);
    // In flight: its redeemer revokes the grant once it is recorded (see `replayed`).
    else if (!inFlight) {
      throw new InvalidGrant('Invalid authorization code').because('unknown_code');
    }
    throw new InvalidGrant('Authorization code already used').because('replay');
  }

  private async revokeReplayed(client: OAuthClient, grant: Grant, codeHash: string) {
    const revoked = await this.grants.revoke(
      grant.grantId,
      'authorization_code_replay',
      this.clock.now(),
    );
    if (!revoked) return;
    this.metrics.codeReuse.inc();
    await this.events.record('authorization_code_replay', {
      client_id: client.clientId,
      grant_id: grant.grantId,
      code: `sha256:${codeHash.slice(0, 8)}`,
    });
  }
}

/** Failures of the PKCE proof itself (proofgate_pkce_failures_total). */
const PKCE_PROOF_FAILURES = new Set(['wrong_verifier', 'missing_verifier', 'malformed_verifier']);

function required(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined) throw new InvalidRequest(`${name} is required`);
  return value;
}
