import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import type { GrantFilter, GrantSummary } from '../../tokens/grants/grant';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { AdminError } from '../admin.errors';

export type GrantStatus = 'active' | 'revoked' | 'expired';

export interface ListedGrant extends GrantSummary {
  readonly status: GrantStatus;
}

export interface GrantRevocation {
  readonly grantId: string;
  readonly sub: string;
  readonly clientId: string;
  /** False when the grant already was revoked. */
  readonly revoked: boolean;
  readonly revokedAt: Date;
}

/** `proofgate-admin grants …`: who holds what, and ending it. */
@Injectable()
export class GrantAdministration {
  constructor(
    private readonly grants: GrantRepository,
    private readonly clock: Clock,
  ) {}

  async list(
    filter: GrantFilter,
    { includeEnded, limit }: { includeEnded: boolean; limit: number },
  ): Promise<ListedGrant[]> {
    const now = this.clock.now();
    const grants = await this.grants.list(filter, { now, includeEnded, limit });
    return grants.map((grant) => ({ ...grant, status: statusOf(grant, now) }));
  }

  /**
   * Revokes one grant: its refresh tokens stop working at /token and its access tokens at
   * /api/me and /introspect at once. `revoked` is false when it already was revoked.
   */
  async revoke(grantId: string): Promise<GrantRevocation> {
    const grant = await this.grants.findById(grantId);
    if (!grant) throw new AdminError(`no grant ${grantId}`);
    const now = this.clock.now();
    const revoked = await this.grants.revoke(grantId, 'revoked_by_admin', now);
    const { sub, clientId } = grant;
    return { grantId, sub, clientId, revoked, revokedAt: revoked ? now : (grant.revokedAt ?? now) };
  }

  /** Revokes every live grant of a subject, a client, or a subject at one client. */
  revokeAll(filter: GrantFilter): Promise<number> {
    return this.grants.revokeAll(filter, 'revoked_by_admin', this.clock.now());
  }
}

function statusOf(grant: GrantSummary, now: Date): GrantStatus {
  if (grant.revokedAt) return 'revoked';
  return grant.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}
