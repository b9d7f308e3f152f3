import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import type { GrantFilter, GrantSummary } from '../../tokens/grants/grant';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import { AccountAdministration } from '../accounts/account-administration.service';
import { AdminError } from '../admin.errors';
import type { AdminCall } from '../audit/admin-audit';
import { AdminAuditTrail } from '../audit/admin-audit.service';

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
    private readonly audit: AdminAuditTrail,
    private readonly accounts: AccountAdministration,
  ) {}

  async list(
    filter: GrantFilter,
    { includeEnded, limit }: { includeEnded: boolean; limit: number },
  ): Promise<ListedGrant[]> {
    const now = this.clock.now();
    const grants = await this.grants.list(await this.resolved(filter), {
      now,
      includeEnded,
      limit,
    });
    return grants.map((grant) => ({ ...grant, status: statusOf(grant, now) }));
  }

  /**
   * Revokes one grant: its refresh tokens stop working at /token and its access tokens at
   * /api/me and /introspect at once. `revoked` is false when it already was revoked.
   */
  revoke(grantId: string, call: AdminCall): Promise<GrantRevocation> {
    return this.audit.around(call, 'grants.revoke', { grant_id: grantId }, () =>
      this.revokeOne(grantId),
    );
  }

  /**
   * A page of grants for the admin API: those of `filter`, ended ones included, by grant id after
   * `after` (keyset pagination: one indexed `find` per page, whatever the page's position).
   * `filter.sub` is a subject already (the admin API's PageOwner found it).
   */
  async page(
    filter: GrantFilter,
    page: { readonly after?: string; readonly limit: number },
  ): Promise<ListedGrant[]> {
    const now = this.clock.now();
    const grants = await this.grants.page(filter, page);
    return grants.map((grant) => ({ ...grant, status: statusOf(grant, now) }));
  }

  /** One grant by id, its status as `list` gives it; AdminError when none. */
  async show(grantId: string): Promise<ListedGrant> {
    const grant = await this.grants.findById(grantId);
    if (!grant?.sub) throw new AdminError(`no grant ${grantId}`, 'not_found');
    const summary: GrantSummary = {
      grantId: grant.grantId,
      sub: grant.sub,
      clientId: grant.clientId,
      scope: grant.scope,
      resource: grant.resource,
      createdAt: grant.createdAt,
      expiresAt: grant.expiresAt,
      ...(grant.authMethod === undefined ? {} : { authMethod: grant.authMethod }),
      ...(grant.grantType === undefined ? {} : { grantType: grant.grantType }),
      ...(grant.revokedAt === undefined ? {} : { revokedAt: grant.revokedAt }),
      ...(grant.revokedReason === undefined ? {} : { revokedReason: grant.revokedReason }),
    };
    return { ...summary, status: statusOf(summary, this.clock.now()) };
  }

  private async revokeOne(grantId: string): Promise<GrantRevocation> {
    const grant = await this.grants.findById(grantId);
    if (!grant) throw new AdminError(`no grant ${grantId}`, 'not_found');
    const now = this.clock.now();
    const revoked = await this.grants.revoke(grantId, 'revoked_by_admin', now);
    const { sub, clientId } = grant;
    return { grantId, sub, clientId, revoked, revokedAt: revoked ? now : (grant.revokedAt ?? now) };
  }

  /**
   * Revokes every live grant of a subject, a client, or a subject at one client; AdminError
   * not_found when the subject names no account (a typo is not "0 revoked").
   */
  revokeAll(filter: GrantFilter, call: AdminCall): Promise<number> {
    const targets = {
      ...(filter.sub === undefined ? {} : { sub: filter.sub }),
      ...(filter.clientId === undefined ? {} : { client_id: filter.clientId }),
    };
    return this.audit.around(call, 'grants.revoke_all', targets, async () =>
      this.grants.revokeAll(await this.resolved(filter), 'revoked_by_admin', this.clock.now()),
    );
  }

  /**
   * The filter on the subject of the account its user names (a username, a subject or a method
   * key: AccountAdministration.subjectOf); AdminError not_found when it names none (a typo is
   * not "no grants").
   */
  private async resolved(filter: GrantFilter): Promise<GrantFilter> {
    if (filter.sub === undefined) return filter;
    return { ...filter, sub: await this.accounts.subjectOf(filter.sub) };
  }
}

function statusOf(grant: GrantSummary, now: Date): GrantStatus {
  if (grant.revokedAt) return 'revoked';
  return grant.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}
