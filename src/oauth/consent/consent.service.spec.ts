import type { OAuthConfig } from '../../config/sections/oauth.config';
import { Clock } from '../../platform/clock/clock';
import type { Consent, ConsentAllowed } from './consent';
import { ConsentRepository } from './consent.repository';
import { ConsentService } from './consent.service';

/** Keeps consents in a map, with the repository's union semantics. */
class InMemoryConsentRepository extends ConsentRepository {
  readonly records = new Map<string, Consent>();

  find(sub: string, clientId: string): Promise<Consent | null> {
    return Promise.resolve(this.records.get(`${sub} ${clientId}`) ?? null);
  }

  allow({ sub, clientId, scopes, resources, expiresAt }: ConsentAllowed, now: Date): Promise<void> {
    const existing = this.records.get(`${sub} ${clientId}`);
    this.records.set(`${sub} ${clientId}`, {
      sub,
      clientId,
      scopes: [...new Set([...(existing?.scopes ?? []), ...scopes])],
      resources: [...new Set([...(existing?.resources ?? []), ...resources])],
      grantedAt: existing?.grantedAt ?? now,
      updatedAt: now,
      expiresAt,
    });
    return Promise.resolve();
  }

  expireUndated(): Promise<number> {
    return Promise.resolve(0);
  }

  listByUser(sub: string): Promise<Consent[]> {
    return Promise.resolve([...this.records.values()].filter((c) => c.sub === sub));
  }

  page(): Promise<Consent[]> {
    return Promise.reject(new Error('not used by these tests'));
  }

  spend(sub: string, clientId: string, value: string): Promise<boolean> {
    const consent = this.records.get(`${sub} ${clientId}`);
    if (!consent?.scopes.includes(value)) return Promise.resolve(false);
    this.records.set(`${sub} ${clientId}`, {
      ...consent,
      scopes: consent.scopes.filter((scope) => scope !== value),
    });
    return Promise.resolve(true);
  }

  revoke(sub: string, clientId?: string): Promise<number> {
    let count = 0;
    for (const [key, consent] of this.records) {
      if (consent.sub === sub && (clientId === undefined || consent.clientId === clientId)) {
        this.records.delete(key);
        count += 1;
      }
    }
    return Promise.resolve(count);
  }
}

describe('ConsentService', () => {
  let now: Date;
  const clock = { now: () => now } as Clock;
  const oauth = { consentTtlDays: 30 } as OAuthConfig;
  let service: ConsentService;

  beforeEach(() => {
    now = new Date('2026-01-01T00:00:00Z');
    service = new ConsentService(new InMemoryConsentRepository(), clock, oauth);
  });

  /** The consent covers the request: nothing of it would be asked on the consent screen. */
  const covers = async (sub: string, clientId: string, scope: string, ...resources: string[]) =>
    (await service.review(sub, clientId, scope, resources)).asked.length === 0;

  it('forgets a consent CONSENT_TTL_DAYS after the last Allow, and a new Allow renews it', async () => {
    await service.allow('alice', 'partner', 'profile');
    now = new Date('2026-01-30T23:59:59Z');
    expect(await covers('alice', 'partner', 'profile')).toBe(true);
    await service.allow('alice', 'partner', 'profile');
    now = new Date('2026-03-01T23:59:58Z');
    expect(await covers('alice', 'partner', 'profile')).toBe(true);
    expect(await service.list('alice')).toHaveLength(1);
    now = new Date('2026-03-01T23:59:59Z');
    expect(await covers('alice', 'partner', 'profile')).toBe(false);
    expect(await service.list('alice')).toEqual([]);
  });

  it('covers a resource other than the own API only once it was allowed, with the scope', async () => {
    await service.allow('alice', 'mcp', 'profile');
    expect(await covers('alice', 'mcp', 'profile')).toBe(true);
    expect(await covers('alice', 'mcp', 'profile', 'https://a.example/mcp')).toBe(false);
    await service.allow('alice', 'mcp', 'profile', ['https://a.example/mcp']);
    expect(await covers('alice', 'mcp', 'profile', 'https://a.example/mcp')).toBe(true);
    expect(await covers('alice', 'mcp', 'profile', 'https://b.example/mcp')).toBe(false);
    expect(await covers('alice', 'mcp', 'profile email', 'https://a.example/mcp')).toBe(false);
  });

  it('remembers each of several resources allowed together (RFC 8707 §2): fewer are covered', async () => {
    const [a, b, c] = ['https://a.example/mcp', 'https://b.example/mcp', 'https://c.example/mcp'];
    await service.allow('alice', 'mcp', 'profile', [a, b]);
    expect(await covers('alice', 'mcp', 'profile', a, b)).toBe(true);
    expect(await covers('alice', 'mcp', 'profile', b)).toBe(true);
    expect(await covers('alice', 'mcp', 'profile', a)).toBe(true);
    // Any resource not allowed yet asks for everything again.
    expect(await service.review('alice', 'mcp', 'profile', [a, c])).toEqual({
      allowed: [],
      asked: ['profile'],
    });
  });

  it('reviews a step-up: what was allowed is kept, only the new values are asked', async () => {
    await service.allow('alice', 'mcp', 'profile');
    expect(await service.review('alice', 'mcp', 'profile api')).toEqual({
      allowed: ['profile'],
      asked: ['api'],
    });
    // Another server: everything is asked again, since the access would be for it.
    expect(await service.review('alice', 'mcp', 'profile api', ['https://a.example/mcp'])).toEqual({
      allowed: [],
      asked: ['profile', 'api'],
    });
    await service.allow('alice', 'mcp', 'profile api');
    expect(await service.review('alice', 'mcp', 'profile api')).toEqual({
      allowed: ['profile', 'api'],
      asked: [],
    });
  });

  it('covers nothing before Allow', async () => {
    expect(await covers('alice', 'partner', 'profile')).toBe(false);
  });

  it('covers what was allowed, and less, but not a wider scope', async () => {
    await service.allow('alice', 'partner', 'profile email');
    expect(await covers('alice', 'partner', 'profile email')).toBe(true);
    expect(await covers('alice', 'partner', 'email')).toBe(true);
    expect(await covers('alice', 'partner', 'profile api')).toBe(false);
  });

  it('adds a later Allow to the earlier one', async () => {
    await service.allow('alice', 'partner', 'profile');
    await service.allow('alice', 'partner', 'api');
    expect(await covers('alice', 'partner', 'profile api')).toBe(true);
  });

  it('is per user and per client', async () => {
    await service.allow('alice', 'partner', 'profile');
    expect(await covers('bob', 'partner', 'profile')).toBe(false);
    expect(await covers('alice', 'other', 'profile')).toBe(false);
  });

  it('revoke forgets one client, or every client of the user', async () => {
    await service.allow('alice', 'partner', 'profile');
    await service.allow('alice', 'other', 'profile');
    await service.allow('bob', 'partner', 'profile');
    expect(await service.revoke('alice', 'partner')).toBe(1);
    expect(await covers('alice', 'partner', 'profile')).toBe(false);
    expect(await covers('alice', 'other', 'profile')).toBe(true);
    expect(await service.revoke('alice')).toBe(1);
    expect(await service.list('alice')).toEqual([]);
    expect(await covers('bob', 'partner', 'profile')).toBe(true);
  });
});
