import { Injectable } from '@nestjs/common';
import { createHmac, hkdfSync } from 'node:crypto';
import { Clock } from '../../platform/clock/clock';
import { randomToken, redact, sha256Base64Url } from '../../platform/crypto/hashing';
import { InvalidGrant } from '../../platform/errors/protocol-error';
import { SecurityEventLog } from '../../telemetry/security-events/security-event.log';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../telemetry/metrics.service';
import { Grant } from './grant';
import { GrantRepository, RefreshTokenRepository } from './grant.repository';

export interface Rotated {
  grant: Grant;
  refreshToken: string;
}

/**
 * Opaque refresh tokens, stored as SHA-256 hashes and rotated on every use (OAuth 2.1 §4.3.1).
 *
 * A token's successor is HMAC(server key, token): the server can answer a retried request with
 * the same successor without ever storing a token in clear. Presenting a rotated token is
 * accepted only as a retry, within the grace window and while its successor is unused; any other
 * reuse means two parties hold the family, so the whole grant is revoked (RFC 9700 §4.14.2).
 */
@Injectable()
export class RefreshTokenRotation {
  private readonly successorKey: Buffer;

  constructor(
    private readonly tokens: RefreshTokenRepository,
    private readonly grants: GrantRepository,
    private readonly events: SecurityEventLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.successorKey = Buffer.from(
      hkdfSync(
        'sha256',
        config.tokens.keyEncryptionSecret,
        'proofgate',
        'refresh-token-successor',
        32,
      ),
    );
  }

  /** The first refresh token of a new grant. */
  async mint(grant: Grant): Promise<string> {
    const token = randomToken(32);
    await this.save(token, grant);
    return token;
  }

  async rotate(clientId: string, presented: string): Promise<Rotated> {
    const now = this.clock.now();
    const tokenHash = sha256Base64Url(presented);
    const rotated = await this.tokens.markRotated(tokenHash, clientId, now);
    if (rotated) {
      const grant = await this.liveGrant(rotated.grantId, now);
      const successor = this.successorOf(presented);
      await this.save(successor, grant);
      return { grant, refreshToken: successor };
    }
    return this.explainOrRetry(clientId, presented, tokenHash, now);
  }

  private async explainOrRetry(
    clientId: string,
    presented: string,
    tokenHash: string,
    now: Date,
  ): Promise<Rotated> {
    const record = await this.tokens.findByHash(tokenHash);
    if (!record) throw new InvalidGrant('Invalid refresh token');
    if (record.clientId !== clientId) {
      throw new InvalidGrant('Refresh token was issued to another client');
    }
    if (record.expiresAt.getTime() <= now.getTime()) {
      throw new InvalidGrant('Refresh token expired');
    }
    if (!record.rotatedAt) throw new InvalidGrant('Invalid refresh token');

    const successor = this.successorOf(presented);
    const next = await this.tokens.findByHash(sha256Base64Url(successor));
    const withinGrace =
      now.getTime() - record.rotatedAt.getTime() <= this.config.tokens.refreshGraceSeconds * 1000;
    if (withinGrace && (!next || !next.rotatedAt)) {
      // A retry of the request that rotated it (e.g. the response was lost): same answer.
      const grant = await this.liveGrant(record.grantId, now);
      await this.save(successor, grant);
      return { grant, refreshToken: successor };
    }

    const revoked = await this.grants.revoke(record.grantId, 'refresh_token_reuse', now);
    if (revoked) {
      this.metrics.refreshTokenReuse.inc();
      await this.events.record('refresh_token_reuse', {
        client_id: clientId,
        grant_id: record.grantId,
        token: redact(presented),
      });
    }
    throw new InvalidGrant('Refresh token reuse detected; the grant has been revoked');
  }

  private async liveGrant(grantId: string, now: Date): Promise<Grant> {
    const grant = await this.grants.findById(grantId);
    if (!grant || grant.revokedAt) throw new InvalidGrant('The grant has been revoked');
    if (grant.expiresAt.getTime() <= now.getTime()) {
      throw new InvalidGrant('Refresh token expired');
    }
    return grant;
  }

  private successorOf(token: string): string {
    return createHmac('sha256', this.successorKey).update(token).digest('base64url');
  }

  private save(token: string, grant: Grant): Promise<void> {
    return this.tokens.save({
      tokenHash: sha256Base64Url(token),
      grantId: grant.grantId,
      clientId: grant.clientId,
      createdAt: this.clock.now(),
      expiresAt: grant.expiresAt,
    });
  }
}
