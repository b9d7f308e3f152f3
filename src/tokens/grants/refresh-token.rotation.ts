import { Injectable } from '@nestjs/common';
import { createHmac, hkdfSync } from 'node:crypto';
import { TokenConfig } from '../../config/sections/tokens.config';
import { Clock } from '../../platform/clock/clock';
import { randomToken, redact, sha256Base64Url } from '../../platform/crypto/hashing';
import { InvalidGrant, InvalidScope } from '../../platform/errors/protocol-error';
import { DomainEvents, SecurityEventDetected } from '../../platform/events/domain-events';
import { DpopBinding, Grant } from './grant';
import { GrantRevoked, RefreshFamilyRevoked } from './grant.events';
import { checkRequestedResource, grantedResources } from './grant-resource';
import { ResourceScopes } from '../resource-scopes';
import { GrantRepository } from './grant.repository';

export interface Rotated {
  grant: Grant;
  refreshToken: string;
  /** The scope of this token response: the grant's, or the narrower one requested. */
  scope: string;
  /**
   * RFC 8707 §2.2: the resource of this response's access token (its `aud`): the grant's first,
   * or the one of its resources requested.
   */
  resource: string;
}

/** `<grant id>.<secret>`: the grant id lets one read of one document serve the whole request. */
const REFRESH_TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/**
 * Opaque refresh tokens, stored as SHA-256 hashes in their grant and rotated on every use
 * (OAuth 2.1 §4.3.1).
 *
 * A token's successor is HMAC(server key, token): the server can answer a retried request with
 * the same successor without storing a token in clear. A rotated token is accepted again only as
 * a retry: by the same client, within the grace window, while its successor is unused, and at
 * most REFRESH_TOKEN_GRACE_RETRIES times. Any other reuse means two parties hold the family, so
 * the whole grant is revoked (RFC 9700 §4.14.2). A refused request (wrong client, scope beyond the
 * grant) changes nothing: RFC 6749 §5.2 leaves the refresh token valid after an error response.
 */
@Injectable()
export class RefreshTokenRotation {
  private readonly successorKey: Buffer;

  constructor(
    private readonly grants: GrantRepository,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly tokens: TokenConfig,
    private readonly resourceScopes: ResourceScopes,
  ) {
    this.successorKey = Buffer.from(
      hkdfSync('sha256', tokens.keyEncryptionSecret, 'proofgate', 'refresh-token-successor', 32),
    );
  }

  /** The first refresh token of a new grant, and the hash its grant stores. */
  mint(grantId: string): { token: string; hash: string } {
    const token = `${grantId}.${randomToken(32)}`;
    return { token, hash: sha256Base64Url(token) };
  }

  /**
   * `dpop`: the key the request proved possession of (RFC 9449), if any; a family bound to a
   * key (a public client's, see `Grant.dpopJkt`) rotates only for that key, and a DPoP-bound
   * grant (`Grant.dpopBound`) only with a proof.
   */
  async rotate(
    clientId: string,
    presented: string,
    requested: { scope?: string; resource?: string } = {},
    dpop?: DpopBinding,
  ): Promise<Rotated> {
    const grantId = REFRESH_TOKEN.exec(presented)?.[1];
    if (!grantId) throw new InvalidGrant('Invalid refresh token');
    const hash = sha256Base64Url(presented);
    const successor = this.successorOf(grantId, presented);
    const successorHash = sha256Base64Url(successor);
    // The usual case in one round trip: the current token, by its client, nothing narrowed (a
    // narrowing is checked against the grant before anything changes, so it takes the long way).
    if (requested.scope === undefined && requested.resource === undefined) {
      const now = this.clock.now();
      const rotated = await this.grants.rotateIfCurrent(clientId, {
        grantId,
        presented: hash,
        successor: successorHash,
        now,
        dpop,
      });
      if (rotated) {
        const resource = grantedResources(rotated, this.tokens.audience)[0];
        return { grant: rotated, refreshToken: successor, scope: rotated.scope, resource };
      }
    }
    // Anything else reads the grant to say why, or to answer a retry within the grace window.
    const grant = await this.grants.findById(grantId);
    const isCurrent = grant?.refresh.current === hash;
    if (!grant || (!isCurrent && !grant.refresh.spent.includes(hash))) {
      throw new InvalidGrant('Invalid refresh token');
    }
    if (grant.clientId !== clientId) {
      throw new InvalidGrant('Refresh token was issued to another client');
    }
    if (grant.revokedAt) throw new InvalidGrant('The grant has been revoked');
    // RFC 9449 §5: changes nothing, like any refused request (RFC 6749 §5.2).
    if (grant.dpopJkt !== undefined && grant.dpopJkt !== dpop?.jkt) {
      throw new InvalidGrant(
        'Refresh token is bound to a DPoP key: present a proof of that key',
      ).because('dpop_key_mismatch');
    }
    // RFC 9449 §5 leaves a confidential client's refresh token bound to its authentication, not
    // to a key; but a grant whose access tokens were bound stays bound: without a proof it would
    // hand out bearer tokens to whoever holds the refresh token and the client's credentials.
    if (grant.dpopBound && dpop === undefined) {
      throw new InvalidGrant(
        'Refresh token is bound to DPoP: present a DPoP proof with it',
      ).because('dpop_proof_missing');
    }
    const now = this.clock.now();
    if (grant.expiresAt.getTime() <= now.getTime()) {
      throw new InvalidGrant('Refresh token expired');
    }
    if (!isCurrent && !this.isGraceRetry(grant, hash, successorHash, now)) {
      return this.revokeReused(grant, presented, now);
    }
    const scope = narrowScope(grant.scope, requested.scope);
    const resource = checkRequestedResource(
      grantedResources(grant, this.tokens.audience),
      requested.resource,
    );
    // Before anything changes: a narrowing to scopes of other APIs only (RESOURCE_SERVERS) would
    // leave this resource's token with none.
    if (requested.scope !== undefined && this.resourceScopes.forAudience(scope, resource) === '') {
      throw new InvalidScope(
        `No scope asked for is for the resource ${resource}: ask for one of its scopes, or one of this server's`,
      );
    }

    const rotation = { grantId, presented: hash, successor: successorHash, now, dpop };
    if (isCurrent && (await this.grants.rotateRefresh(rotation))) {
      return { grant, refreshToken: successor, scope, resource };
    }
    // A retry, or a concurrent use that lost the rotation to another: both get the successor.
    if (await this.grants.countGraceRetry(grantId, successorHash, this.maxRetries)) {
      return { grant, refreshToken: successor, scope, resource };
    }
    throw new InvalidGrant(
      'Refresh token already rotated; the grace window answers no more retries of it',
    );
  }

  /** The previous token, retried within the grace window while its successor is current. */
  private isGraceRetry(grant: Grant, hash: string, successorHash: string, now: Date): boolean {
    const { spent, current, rotatedAt } = grant.refresh;
    return (
      spent[spent.length - 1] === hash &&
      current === successorHash &&
      rotatedAt !== undefined &&
      now.getTime() - rotatedAt.getTime() <= this.tokens.refreshGraceSeconds * 1000
    );
  }

  private async revokeReused(grant: Grant, presented: string, now: Date): Promise<never> {
    if (await this.grants.revoke(grant.grantId, 'refresh_token_reuse', now)) {
      this.events.emit(new GrantRevoked('refresh_token_reuse'));
      await this.events.emitAndWait(
        new SecurityEventDetected('refresh_token_reuse', {
          client_id: grant.clientId,
          grant_id: grant.grantId,
          token: redact(presented),
        }),
      );
      await this.events.emitAndWait(
        new RefreshFamilyRevoked(grant.sub, grant.clientId, grant.grantId, now),
      );
    }
    throw new InvalidGrant('Refresh token reuse detected; the grant has been revoked');
  }

  private get maxRetries(): number {
    return this.tokens.refreshGraceRetries;
  }

  private successorOf(grantId: string, token: string): string {
    return `${grantId}.${createHmac('sha256', this.successorKey).update(token).digest('base64url')}`;
  }
}

/** RFC 6749 §6: the requested scope must not include any scope not originally granted. */
function narrowScope(granted: string, requested: string | undefined): string {
  if (requested === undefined) return granted;
  const allowed = new Set(granted.split(' ').filter(Boolean));
  const asked = requested.split(' ').filter(Boolean);
  if (asked.some((s) => !allowed.has(s))) {
    throw new InvalidScope('The requested scope exceeds the scope originally granted');
  }
  return asked.join(' ');
}
