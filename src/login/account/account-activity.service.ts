import { Injectable, Logger } from '@nestjs/common';
import { ClientRegistry } from '../../clients/client-registry.service';
import { Clock } from '../../platform/clock/clock';
import type { GrantSummary } from '../../tokens/grants/grant';
import { GrantRepository } from '../../tokens/grants/grant.repository';
import type { StoredSession } from '../../sessions/session';
import { SessionRepository } from '../../sessions/session.repository';
import { SessionLogout } from '../../sessions/logout/session-logout.service';
import {
  APPROVAL_AUDIT_LISTED,
  ApprovalAuditLog,
  type ApprovalAuditRecord,
} from '../../accounts/approval-audit/approval-audit';

/** At most this many sessions and this many grants are listed (newest first). */
export const MAX_LISTED_ACTIVITY = 100;

/** A user's grant: one a login opened (a client's own grant names no login method). */
export type UserGrantSummary = GrantSummary & {
  authMethod: NonNullable<GrantSummary['authMethod']>;
  /**
   * The client's name, as the consent screen showed it; absent for a client that is gone, and
   * for one whose client_id is its metadata document's URL (the page fetches nothing for it).
   */
  clientName?: string;
};

export interface AccountActivity {
  readonly sessions: readonly StoredSession[];
  readonly grants: readonly UserGrantSummary[];
  /** Its answers to backchannel requests (CIBA), newest first: what, for whom, how. */
  readonly approvals: readonly ApprovalAuditRecord[];
}

export interface SignedOutEverywhere {
  readonly sessionsEnded: number;
  readonly grantsRevoked: number;
}

/**
 * Where an account is signed in: its live login sessions (browsers) and live grants (apps holding
 * its tokens), for its owner to see, and to end all at once ("sign out everywhere").
 */
@Injectable()
export class AccountActivityService {
  private readonly logger = new Logger(AccountActivityService.name);

  constructor(
    private readonly sessions: SessionRepository,
    private readonly grants: GrantRepository,
    private readonly clock: Clock,
    private readonly sessionLogout: SessionLogout,
    private readonly approvalAudit: ApprovalAuditLog,
    private readonly clients: ClientRegistry,
  ) {}

  async of(sub: string): Promise<AccountActivity> {
    const now = this.clock.now();
    const [sessions, grants, approvals] = await Promise.all([
      this.sessions.listLive(sub, now, MAX_LISTED_ACTIVITY),
      this.grants.list({ sub }, { now, includeEnded: false, limit: MAX_LISTED_ACTIVITY }),
      this.approvalAudit.listOf(sub, APPROVAL_AUDIT_LISTED),
    ]);
    const users = grants.filter(
      (grant): grant is UserGrantSummary => grant.authMethod !== undefined,
    );
    const names = await this.clientNames(users.map(({ clientId }) => clientId));
    return {
      sessions,
      approvals,
      grants: users.map((grant) => {
        const clientName = names.get(grant.clientId);
        return clientName === undefined ? grant : { ...grant, clientName };
      }),
    };
  }

  /** Each client's name, read once per client (the registry caches them). */
  private async clientNames(clientIds: readonly string[]): Promise<Map<string, string>> {
    const stored = [...new Set(clientIds)].filter((clientId) => !/^https?:\/\//.test(clientId));
    const clients = await Promise.all(stored.map((clientId) => this.clients.find(clientId)));
    return new Map(
      clients.flatMap((client) => (client === null ? [] : [[client.clientId, client.name]])),
    );
  }

  /**
   * Whether `sub` is signed in anywhere now: a live login session or a live grant (an app holding
   * its tokens). Two reads of one document at most, by the subject's index.
   */
  async inUse(sub: string): Promise<boolean> {
    const now = this.clock.now();
    const [sessions, grants] = await Promise.all([
      this.sessions.listLive(sub, now, 1),
      this.grants.list({ sub }, { now, includeEnded: false, limit: 1 }),
    ]);
    return sessions.length > 0 || grants.length > 0;
  }

  /**
   * Ends every login session of the account and revokes every grant (the caller's own session
   * or token included): its refresh tokens stop at /token, its access tokens at /api/me and
   * /introspect at once.
   */
  async signOutEverywhere(sub: string): Promise<SignedOutEverywhere> {
    // Each session's clients get a logout token (Back-Channel Logout 1.0), then every grant
    // of the account goes, those opened without a session too.
    const ended = await this.sessionLogout.endAllOf(sub, 'signed_out_everywhere');
    const sessionsEnded = ended.sessionsEnded;
    const grantsRevoked =
      ended.grantsRevoked +
      (await this.grants.revokeAll({ sub }, 'signed_out_everywhere', this.clock.now()));
    this.logger.log(
      `${sub} signed out everywhere: ${sessionsEnded} session(s) ended, ${grantsRevoked} grant(s) revoked`,
    );
    return { sessionsEnded, grantsRevoked };
  }
}
