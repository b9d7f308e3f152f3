import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ClientRegistry } from '../../clients/client-registry.service';
import type { OAuthClient } from '../../clients/oauth-client';
import type { LogoutConfig } from '../../config/sections/logout.config';
import { Clock } from '../../platform/clock/clock';
import { sha256Base64Url } from '../../platform/crypto/hashing';
import { DomainEvents } from '../../platform/events/domain-events';
import { InvalidGrant } from '../../platform/errors/protocol-error';
import type { GrantFilter, GrantSummary } from '../../tokens/grants/grant';
import type { GrantRepository } from '../../tokens/grants/grant.repository';
import { sessionIdOf, type StoredSession } from '../session';
import type { SessionRepository } from '../session.repository';
import { LogoutDeliveriesDropped } from './backchannel-logout.events';
import type { NewLogoutDelivery } from './logout-delivery';
import type { LogoutDeliveryRepository } from './logout-delivery.repository';
import type { SessionEnding } from './session-ending';
import type { SessionEndingRepository } from './session-ending.repository';
import { ENDING_LEASE_MS, SESSION_ENDED, SessionLogout } from './session-logout.service';

class ManualClock extends Clock {
  at = new Date('2026-01-01T00:00:00Z');
  now(): Date {
    return new Date(this.at);
  }
}

/** In-memory stores of what SessionLogout touches, with the order of their writes. */
class World {
  readonly writes: string[] = [];
  readonly sessions = new Map<string, StoredSession>();
  readonly endings = new Map<string, SessionEnding & { finished: boolean; leaseUntil: Date }>();
  readonly outbox = new Map<string, NewLogoutDelivery>();
  readonly grants: { grantId: string; sid: string; clientId: string; revoked: boolean }[] = [];
  /** A step that throws once, as a process killed right there would stop. */
  dieAt?: 'begin' | 'delete' | 'enqueue';
  /** Runs once, just after the next listing of sessions was read (a login landing then). */
  afterListing?: () => void;

  private die(step: 'begin' | 'delete' | 'enqueue'): void {
    if (this.dieAt !== step) return;
    this.dieAt = undefined;
    throw new Error(`the instance died at ${step}`);
  }

  sessionRepository(): SessionRepository {
    const find = (idHash: string): Promise<StoredSession | null> =>
      Promise.resolve(this.sessions.get(idHash) ?? null);
    const repository: Pick<SessionRepository, 'find' | 'delete' | 'listLive' | 'deleteMany'> = {
      find,
      delete: (idHash) => {
        this.die('delete');
        this.writes.push('session deleted');
        this.sessions.delete(idHash);
        return Promise.resolve();
      },
      listLive: (sub, _now, limit, methodKey) => {
        const listed = [...this.sessions.values()]
          .filter(
            (session) =>
              session.sub === sub && (methodKey === undefined || session.methodKey === methodKey),
          )
          .slice(0, limit);
        this.afterListing?.();
        this.afterListing = undefined;
        return Promise.resolve(listed);
      },
      deleteMany: (idHashes) => {
        const there = idHashes.filter((idHash) => this.sessions.delete(idHash));
        this.writes.push('sessions deleted');
        return Promise.resolve(there.length);
      },
    };
    return repository as SessionRepository;
  }

  endingRepository(): SessionEndingRepository {
    return {
      begin: (ending: SessionEnding, _owner: string, _now: Date, leaseUntil: Date) => {
        this.die('begin');
        if (this.endings.has(ending.sid)) return Promise.resolve(false);
        this.writes.push('ending begun');
        this.endings.set(ending.sid, { ...ending, finished: false, leaseUntil });
        return Promise.resolve(true);
      },
      claimAbandoned: (_owner: string, now: Date, leaseUntil: Date) => {
        const ending = [...this.endings.values()].find(
          (one) => !one.finished && one.leaseUntil <= now,
        );
        if (!ending) return Promise.resolve(null);
        ending.leaseUntil = leaseUntil;
        return Promise.resolve({ ...ending });
      },
      finish: (sid: string) => {
        const ending = this.endings.get(sid);
        if (ending) this.endings.set(sid, { ...ending, finished: true, idHash: undefined });
        this.writes.push('ending finished');
        return Promise.resolve();
      },
      hasBegun: (sid: string) => Promise.resolve(this.endings.has(sid)),
    };
  }

  /** Each cap applied to a client's waiting deliveries, and how many it drops. */
  readonly capped: { clientId: string; keep: number }[] = [];
  dropsPerCap = 0;

  outboxRepository(): LogoutDeliveryRepository {
    const repository: Pick<LogoutDeliveryRepository, 'enqueue' | 'keepNewest'> = {
      keepNewest: (clientId, keep) => {
        this.capped.push({ clientId, keep });
        this.writes.push('oldest over the cap dropped');
        return Promise.resolve(this.dropsPerCap);
      },
      enqueue: (deliveries) => {
        this.die('enqueue');
        for (const delivery of deliveries) {
          this.outbox.set(`${delivery.sid} ${delivery.clientId}`, delivery);
        }
        this.writes.push('logout tokens queued');
        return Promise.resolve();
      },
    };
    return repository as LogoutDeliveryRepository;
  }

  grantRepository(): GrantRepository {
    const bySid = (filter: GrantFilter) =>
      this.grants.filter((grant) => grant.sid === (filter as { sid?: string }).sid);
    const repository: Pick<GrantRepository, 'list' | 'revokeAll' | 'revoke'> = {
      list: (filter) =>
        Promise.resolve(
          bySid(filter).map((grant) => ({ clientId: grant.clientId }) as GrantSummary),
        ),
      revokeAll: (filter) => {
        const live = bySid(filter).filter((grant) => !grant.revoked);
        for (const grant of live) grant.revoked = true;
        this.writes.push('grants revoked');
        return Promise.resolve(live.length);
      },
      revoke: (grantId) => {
        const grant = this.grants.find((one) => one.grantId === grantId && !one.revoked);
        if (grant) grant.revoked = true;
        return Promise.resolve(grant !== undefined);
      },
    };
    return repository as GrantRepository;
  }
}

const RP: Pick<OAuthClient, 'clientId' | 'backchannelLogoutUri'> = {
  clientId: 'rp',
  backchannelLogoutUri: 'https://rp.example/backchannel-logout',
};
/** A client that registered itself (RFC 7591). */
const SELF_REGISTERED: Pick<OAuthClient, 'clientId' | 'backchannelLogoutUri'> = {
  clientId: `dcr_${'0'.repeat(32)}`,
  backchannelLogoutUri: 'https://self.example/backchannel-logout',
};
const MAX_PENDING = 20;

function setUp() {
  const world = new World();
  const clock = new ManualClock();
  const clients: Pick<ClientRegistry, 'find'> = {
    find: (clientId: string) =>
      Promise.resolve(
        ([RP, SELF_REGISTERED].find((client) => client.clientId === clientId) ??
          null) as OAuthClient | null,
      ),
  };
  const config: Pick<LogoutConfig, 'retryForSeconds' | 'selfRegisteredMaxPending'> = {
    retryForSeconds: 3600,
    selfRegisteredMaxPending: MAX_PENDING,
  };
  const emitter = new EventEmitter2();
  const dropped: number[] = [];
  emitter.on(LogoutDeliveriesDropped.type, (event: LogoutDeliveriesDropped) =>
    dropped.push(event.count),
  );
  const logout = new SessionLogout(
    world.grantRepository(),
    clients as ClientRegistry,
    world.sessionRepository(),
    world.endingRepository(),
    world.outboxRepository(),
    config as LogoutConfig,
    clock,
    new DomainEvents(emitter),
  );
  const idHash = sha256Base64Url('a session cookie value');
  const sid = sessionIdOf(idHash);
  world.sessions.set(idHash, {
    idHash,
    sub: 'user-1',
    authMethod: 'password',
    authTime: clock.now(),
    expiresAt: new Date(clock.now().getTime() + 3600_000),
  });
  world.grants.push({ grantId: 'g1', sid, clientId: RP.clientId, revoked: false });
  return { world, clock, logout, idHash, sid, dropped };
}

describe('SessionLogout: the end of a login session is durable before the session is gone', () => {
  it('records the ending, deletes the session, then queues the logout and revokes the grants', async () => {
    const { world, logout, idHash, sid } = setUp();
    expect(await logout.end([idHash], 'logged_out')).toEqual([{ sub: 'user-1', sid }]);
    expect(world.writes).toEqual([
      'ending begun',
      'session deleted',
      'logout tokens queued',
      'grants revoked',
      'ending finished',
    ]);
    expect([...world.outbox.values()]).toEqual([
      { clientId: 'rp', uri: RP.backchannelLogoutUri, sub: 'user-1', sid },
    ]);
    expect(world.grants[0].revoked).toBe(true);
  });

  it('keeps a self-registered client to its newest waiting logout tokens, and counts those it drops; an operator’s client has no cap', async () => {
    const { world, logout, idHash, sid, dropped } = setUp();
    world.grants.push({ grantId: 'g2', sid, clientId: SELF_REGISTERED.clientId, revoked: false });
    world.dropsPerCap = 3;
    await logout.end([idHash], 'logged_out');
    expect(world.capped).toEqual([{ clientId: SELF_REGISTERED.clientId, keep: MAX_PENDING }]);
    // The cap is applied once the new logout token is queued: the newest is one of those kept.
    expect(world.writes.indexOf('oldest over the cap dropped')).toBeGreaterThan(
      world.writes.indexOf('logout tokens queued'),
    );
    expect(dropped).toEqual([3]);
  });

  it('dying before the ending is recorded leaves the session alive (the sign-out is to be tried again)', async () => {
    const { world, logout, idHash } = setUp();
    world.dieAt = 'begin';
    await expect(logout.end([idHash], 'logged_out')).rejects.toThrow('died at begin');
    expect(world.sessions.has(idHash)).toBe(true);
    expect(world.grants[0].revoked).toBe(false);
  });

  it.each(['delete', 'enqueue'] as const)(
    'dying at %s, after the ending is recorded: the sweep finishes it once the lease ran out',
    async (step) => {
      const { world, clock, logout, idHash, sid } = setUp();
      world.dieAt = step;
      await expect(logout.end([idHash], 'logged_out')).rejects.toThrow(`died at ${step}`);
      expect(world.outbox.size).toBe(0);
      // Within the lease, the instance that began it may still be at work: left alone.
      expect(await logout.sweep()).toBe(0);
      clock.at = new Date(clock.at.getTime() + ENDING_LEASE_MS);
      expect(await logout.sweep()).toBe(1);
      expect(world.sessions.has(idHash)).toBe(false);
      expect([...world.outbox.keys()]).toEqual([`${sid} rp`]);
      expect(world.grants[0].revoked).toBe(true);
      expect(world.endings.get(sid)).toMatchObject({ finished: true });
      expect(await logout.sweep()).toBe(0);
    },
  );

  it('two requests ending one session: one of them finishes it, the other only deletes', async () => {
    const { world, logout, idHash } = setUp();
    await Promise.all([logout.end([idHash], 'logged_out'), logout.end([idHash], 'logged_out')]);
    expect(world.writes.filter((write) => write === 'logout tokens queued')).toHaveLength(1);
    expect(world.writes.filter((write) => write === 'grants revoked')).toHaveLength(1);
  });

  it('endAllOf records every ending before the sessions are deleted', async () => {
    const { world, logout } = setUp();
    const result = await logout.endAllOf('user-1', 'signed_out_everywhere');
    expect(result).toEqual({ sessionsEnded: 1, grantsRevoked: 1 });
    expect(world.writes.slice(0, 2)).toEqual(['ending begun', 'sessions deleted']);
  });

  it('endAllOf deletes only the sessions whose endings it recorded, not one created after its listing', async () => {
    const { world, logout, clock, idHash } = setUp();
    const late = sha256Base64Url('a session created while signing out everywhere');
    world.afterListing = () =>
      world.sessions.set(late, {
        idHash: late,
        sub: 'user-1',
        authMethod: 'password',
        authTime: clock.now(),
        expiresAt: new Date(clock.now().getTime() + 3600_000),
      });
    const result = await logout.endAllOf('user-1', 'signed_out_everywhere');
    expect(result).toEqual({ sessionsEnded: 1, grantsRevoked: 1 });
    expect(world.sessions.has(idHash)).toBe(false);
    expect(world.endings.has(sessionIdOf(idHash))).toBe(true);
    // Never deleted without an ending: it was not listed, so it is left to live (or to the
    // login's own check after its write, for a disabled account or a removed method).
    expect(world.sessions.has(late)).toBe(true);
    expect(world.endings.has(sessionIdOf(late))).toBe(false);
  });

  it('endAllOf with a method key ends only the sessions that method proved', async () => {
    const { world, logout, clock, idHash } = setUp();
    const other = sha256Base64Url('a session a passkey proved');
    world.sessions.set(idHash, { ...world.sessions.get(idHash)!, methodKey: 'password:alice' });
    world.sessions.set(other, {
      idHash: other,
      sub: 'user-1',
      authMethod: 'passkey',
      methodKey: 'passkey:abc',
      authTime: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 3600_000),
    });
    const result = await logout.endAllOf('user-1', 'method_removed', 'password:alice');
    expect(result).toEqual({ sessionsEnded: 1, grantsRevoked: 1 });
    expect(world.sessions.has(idHash)).toBe(false);
    expect(world.sessions.has(other)).toBe(true);
    expect(world.endings.has(sessionIdOf(other))).toBe(false);
  });

  it('endAllOf with a method key reaches its sessions behind a full page of other methods', async () => {
    const { world, logout, clock, idHash } = setUp();
    const mine = { ...world.sessions.get(idHash)!, methodKey: 'passkey:abc' };
    world.sessions.delete(idHash);
    const others = Array.from({ length: 1_000 }, (_, i) => sha256Base64Url(`password ${i}`));
    for (const other of others) {
      world.sessions.set(other, {
        idHash: other,
        sub: 'user-1',
        authMethod: 'password',
        methodKey: 'password:alice',
        authTime: clock.now(),
        expiresAt: new Date(clock.now().getTime() + 3600_000),
      });
    }
    // Listed after a thousand sessions of another method (the fake lists in insertion order).
    world.sessions.set(idHash, mine);
    const result = await logout.endAllOf('user-1', 'method_removed', 'passkey:abc');
    expect(result).toEqual({ sessionsEnded: 1, grantsRevoked: 1 });
    expect(world.sessions.has(idHash)).toBe(false);
    expect(others.every((other) => world.sessions.has(other))).toBe(true);
  });

  it('refuseIfEnded: a grant opened in a session that has begun ending is revoked and refused', async () => {
    const { world, logout, idHash, sid } = setUp();
    world.grants.push({ grantId: 'late', sid, clientId: RP.clientId, revoked: false });
    await expect(logout.refuseIfEnded(sid, 'late')).resolves.toBeUndefined();
    expect(world.grants[1].revoked).toBe(false);

    world.dieAt = 'enqueue';
    await expect(logout.end([idHash], 'logged_out')).rejects.toThrow();
    // Even unfinished, the ending refuses the grant.
    const refusal = await logout.refuseIfEnded(sid, 'late').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(InvalidGrant);
    expect((refusal as InvalidGrant).reason).toBe(SESSION_ENDED);
    expect(world.grants[1].revoked).toBe(true);
  });
});
