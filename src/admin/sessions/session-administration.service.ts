import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { SessionLogout } from '../../sessions/logout/session-logout.service';
import { sessionIdOf, type StoredSession } from '../../sessions/session';
import { type SessionPosition, SessionRepository } from '../../sessions/session.repository';
import { AccountAdministration } from '../accounts/account-administration.service';
import { AdminError } from '../admin.errors';
import type { AdminCall } from '../audit/admin-audit';
import { AdminAuditTrail } from '../audit/admin-audit.service';

/** The most live sessions one account's listing shows (newest sign-in first). */
export const MAX_LISTED_SESSIONS = 100;

/** A live login session as administration shows it: its `sid`, never its cookie or id hash. */
export interface ListedSession {
  readonly sid: string;
  readonly sub: string;
  readonly authMethod: string;
  readonly amr: readonly string[];
  readonly acr?: string;
  readonly authTime: Date;
  readonly expiresAt: Date;
}

/**
 * `proofgate-admin sessions …`: the login sessions of an account, and ending them as the account
 * page's "Sign out everywhere" does (each ending recorded, the session's grants revoked, its
 * clients told by back-channel logout). A login session belongs to a browser and an account, not
 * to a client: what a client holds of a person is its grants (`grants`).
 */
@Injectable()
export class SessionAdministration {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly logout: SessionLogout,
    private readonly clock: Clock,
    private readonly audit: AdminAuditTrail,
    private readonly accounts: AccountAdministration,
  ) {}

  /**
   * The account's live sessions, newest sign-in first, at most `limit` (MAX_LISTED_SESSIONS);
   * `user` is a username, a subject or a method key (AccountAdministration.subjectOf); AdminError
   * not_found when it names no account.
   */
  async list(user: string, limit = MAX_LISTED_SESSIONS): Promise<ListedSession[]> {
    const sub = await this.accounts.subjectOf(user);
    const live = await this.sessions.listLive(sub, this.clock.now(), limit);
    return live.map(listed);
  }

  /**
   * A page of the live sessions of the account `sub` (a subject: the admin API's PageOwner found
   * it), newest sign-in first (those of one instant by sid), after `after`; possibly more than
   * `limit` (SessionRepository.pageLive).
   */
  async page(
    sub: string,
    page: { readonly after?: SessionPosition; readonly limit: number },
  ): Promise<ListedSession[]> {
    return (await this.sessions.pageLive(sub, this.clock.now(), page)).map(listed);
  }

  /**
   * One live session of the account `user` names (as list), by its `sid`; AdminError (not_found)
   * when none.
   */
  async show(user: string, sid: string): Promise<ListedSession> {
    return listed(await this.liveSession(await this.accounts.subjectOf(user), sid));
  }

  /** Ends one session of the account (back-channel logout to its clients, its grants revoked). */
  revoke(user: string, sid: string, call: AdminCall): Promise<ListedSession> {
    return this.audit.around(call, 'sessions.revoke', { sub: user, sid }, async () => {
      const session = await this.liveSession(await this.accounts.subjectOf(user), sid);
      await this.logout.end([session.idHash], 'admin_revoked');
      return listed(session);
    });
  }

  /**
   * Ends every live session of the account `user` names (as list), as "Sign out everywhere"
   * does; AdminError not_found when it names none (a typo is not "0 sessions ended").
   */
  revokeAll(
    user: string,
    call: AdminCall,
  ): Promise<{ sessionsEnded: number; grantsRevoked: number }> {
    return this.audit.around(call, 'sessions.revoke_all', { sub: user }, async () =>
      this.logout.endAllOf(await this.accounts.subjectOf(user), 'admin_revoked'),
    );
  }

  private async liveSession(sub: string, sid: string): Promise<StoredSession> {
    // A sid is derived one way from the session's id hash: found among the account's own, page
    // by page (a session past the first page's is found as well as the newest).
    const now = this.clock.now();
    let after: SessionPosition | undefined;
    for (;;) {
      const page = await this.sessions.pageLive(sub, now, {
        ...(after ? { after } : {}),
        limit: MAX_LISTED_SESSIONS,
      });
      const session = page.find((candidate) => sessionIdOf(candidate.idHash) === sid);
      if (session) return session;
      const last = page.at(-1);
      if (!last || page.length < MAX_LISTED_SESSIONS) break;
      after = { at: last.authTime, sid: sessionIdOf(last.idHash) };
    }
    throw new AdminError(`no live session ${sid} of ${sub}`, 'not_found');
  }
}

function listed(session: StoredSession): ListedSession {
  return {
    sid: sessionIdOf(session.idHash),
    sub: session.sub,
    authMethod: session.authMethod,
    amr: session.amr ?? [],
    ...(session.acr === undefined ? {} : { acr: session.acr }),
    authTime: session.authTime,
    expiresAt: session.expiresAt,
  };
}

/** A session as the CLI's --json and the admin API name its fields. */
export function sessionJson(session: ListedSession) {
  return {
    sid: session.sid,
    sub: session.sub,
    auth_method: session.authMethod,
    amr: session.amr,
    acr: session.acr ?? null,
    auth_time: session.authTime,
    expires_at: session.expiresAt,
  };
}

/** An ended session, as `sessions revoke <sid> --json` and the admin API's DELETE answer it. */
export function revokedSessionJson(session: ListedSession) {
  return { ...sessionJson(session), revoked: true };
}
