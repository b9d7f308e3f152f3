/**
 * Every list of the admin API is a keyset of pages (issue #77 item 3): consents, CIBA approvals,
 * an account's sessions and the signing keys walked to the end with a small limit, each item once and none missed,
 * in the documented order, with their filters; a cursor this API did not give is 400.
 */
import { createHash } from 'node:crypto';
import type { mongo } from 'mongoose';
import { cliCall } from '../../../src/admin/io/cli-call';
import { UserAdministration } from '../../../src/admin/users/user-administration.service';
import { sessionIdOf } from '../../../src/sessions/session';
import { SigningKeyService } from '../../../src/tokens/signing-keys/signing-key.service';
import { basic } from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const ADMIN = { id: 'ops-pager', secret: 'ops-pager-secret-1234' };
const HOUR = 3_600_000;
const ACCOUNT_COLLECTIONS = new Set(['users', 'accounts', 'account_methods']);

describe('the admin API pages every list', () => {
  const t = useTestApp({
    RATE_LIMIT_ADMIN_API_PER_CLIENT: '10000',
    RATE_LIMIT_ADMIN_API_PER_IP: '10000',
    OAUTH_CLIENTS: JSON.stringify([
      {
        client_id: ADMIN.id,
        client_secret: ADMIN.secret,
        grant_types: ['client_credentials'],
        admin_scopes: ['admin:read'],
      },
    ]),
  });

  let token: string;
  beforeAll(async () => {
    const response = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(ADMIN.id, ADMIN.secret))
      .send({ grant_type: 'client_credentials', scope: 'admin:read' });
    expect(response.status).toBe(200);
    token = (response.body as { access_token: string }).access_token;
    // The accounts whose consents and sessions are walked: a user that names none is a 404.
    const users = t.app.get(UserAdministration, { strict: false });
    for (const name of ['pat', 'eve', 'traveller']) {
      await users.add(name, 'correct horse battery staple', cliCall());
    }
  });

  /**
   * Every item of a list, page by page with `limit`: each page at most `limit`, the last one's next
   * null; and the reads of the accounts' collections each page sent (who `?user=` names).
   */
  async function walk<T>(path: string, query: Record<string, string | number>, limit: number) {
    const items: T[] = [];
    const lookups: string[][] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sent = await accountLookups(() =>
        t
          .http()
          .get(path)
          .query({ ...query, limit, ...(cursor === null ? {} : { cursor }) })
          .set('Authorization', `Bearer ${token}`),
      );
      const response = sent.result;
      expect(response.status).toBe(200);
      const page = response.body as { items: T[]; next: string | null };
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (page.next !== null) expect(page.items).toHaveLength(limit);
      items.push(...page.items);
      lookups.push(sent.lookups);
      cursor = page.next;
      pages += 1;
      expect(pages).toBeLessThan(100);
    } while (cursor !== null);
    return { items, pages, lookups };
  }

  /** What `call` answers, and the reads of users, accounts and account_methods it sent. */
  async function accountLookups<R>(call: () => PromiseLike<R>) {
    const client = t.connection.getClient();
    const lookups: string[] = [];
    const listen = (event: mongo.CommandStartedEvent) => {
      const collection = String(event.command[event.commandName]);
      if (ACCOUNT_COLLECTIONS.has(collection)) lookups.push(`${event.commandName} ${collection}`);
    };
    client.on('commandStarted', listen);
    try {
      return { result: await call(), lookups };
    } finally {
      client.off('commandStarted', listen);
    }
  }

  /** A walk that named a user found who it is on its first page, and on no page after. */
  function expectFoundOnce(lookups: string[][]) {
    expect(lookups.length).toBeGreaterThan(1);
    expect(lookups[0]).toContain('find users');
    expect(lookups.slice(1)).toEqual(lookups.slice(1).map(() => []));
  }

  /** Not a cursor at all; and, where the key has a form (an instant and an id), one without it. */
  async function badCursor(path: string, query: Record<string, string>, keyed = true) {
    const cursors = ['bm90LW91cnM', Buffer.from('{"k":"nope"}').toString('base64url')];
    for (const cursor of keyed ? cursors : cursors.slice(0, 1)) {
      const refused = await t
        .http()
        .get(path)
        .query({ ...query, cursor })
        .set('Authorization', `Bearer ${token}`);
      expectRefusal(
        refused,
        400,
        'invalid_request',
        'cursor is not one this API gave (use the `next` of a page)',
      );
    }
  }

  describe('consents', () => {
    beforeAll(async () => {
      const now = t.clock.now();
      const consent = (sub: string, clientId: string, expiresIn: number) => ({
        _id: `${sub} ${clientId}`,
        sub,
        clientId,
        scopes: ['openid'],
        grantedAt: now,
        updatedAt: now,
        expiresAt: new Date(now.getTime() + expiresIn),
      });
      await t.connection
        .db!.collection('consents')
        .insertMany([
          ...Array.from({ length: 11 }, (_, i) => consent('pat', `app-${i}`, HOUR)),
          consent('pat', 'app-expired', -1000),
          ...['ann', 'bob', 'cy', 'dee', 'eve'].map((sub) => consent(sub, 'app-3', HOUR)),
        ] as never[]);
    });

    it("walks a user's consents to the end by client, each once, the expired one left out", async () => {
      const { items, pages } = await walk<{ client_id: string }>(
        '/admin/v1/consents',
        { user: 'pat' },
        3,
      );
      const clients = items.map((item) => item.client_id);
      expect(pages).toBe(4);
      expect(clients).toEqual(Array.from({ length: 11 }, (_, i) => `app-${i}`).sort());
    });

    it('finds who the user is on the first page only: its cursor carries the account', async () => {
      const { lookups } = await walk('/admin/v1/consents', { user: 'pat' }, 3);
      expectFoundOnce(lookups);
    });

    it("reads another user's rows when a cursor is given with another user than its own", async () => {
      const first = await t
        .http()
        .get('/admin/v1/consents')
        .query({ user: 'pat', limit: 1 })
        .set('Authorization', `Bearer ${token}`);
      expect(first.body).toMatchObject({ items: [{ sub: 'pat', client_id: 'app-0' }] });
      // pat's cursor stands after "pat app-0"; with eve, the position applies to eve's consents.
      const other = await accountLookups(() =>
        t
          .http()
          .get('/admin/v1/consents')
          .query({ user: 'eve', limit: 5, cursor: (first.body as { next: string }).next })
          .set('Authorization', `Bearer ${token}`),
      );
      expect(other.lookups).toContain('find users');
      const items = (other.result.body as { items: { sub: string }[] }).items;
      expect(items.map((item) => item.sub)).toEqual(items.map(() => 'eve'));
    });

    it("walks a client's consents across users, and one user's at one client", async () => {
      const { items } = await walk<{ sub: string }>('/admin/v1/consents', { client: 'app-3' }, 2);
      expect(items.map((item) => item.sub)).toEqual(['ann', 'bob', 'cy', 'dee', 'eve', 'pat']);
      const one = await walk<{ sub: string }>(
        '/admin/v1/consents',
        { user: 'eve', client: 'app-3' },
        2,
      );
      expect(one.items).toHaveLength(1);
    });

    it('needs a user or a client, and refuses a cursor it did not give', async () => {
      const refused = await t
        .http()
        .get('/admin/v1/consents')
        .set('Authorization', `Bearer ${token}`);
      expectRefusal(
        refused,
        400,
        'invalid_request',
        'name the user or the client (or both) whose consents',
      );
      await badCursor('/admin/v1/consents', { user: 'pat' }, false);
    });
  });

  describe('approvals', () => {
    const SUB = 'approver';

    beforeAll(async () => {
      const base = t.clock.now().getTime();
      // Three answers share each instant: the id orders them, across a page's edge.
      const docs = Array.from({ length: 12 }, (_, i) => ({
        _id: `a${String(i).padStart(2, '0')}`,
        sub: SUB,
        clientId: 'bank',
        decision: i % 4 === 0 ? 'denied' : 'approved',
        requestHash: createHash('sha256').update(String(i)).digest('base64url'),
        scope: 'openid payment',
        at: new Date(base - Math.floor(i / 3) * 1000),
        expiresAt: new Date(base + 365 * 24 * HOUR),
      }));
      await t.connection.db!.collection('ciba_approval_audit').insertMany(docs as never[]);
    });

    it("walks an account's answers newest first, each once, across ties of one instant", async () => {
      const { items } = await walk<{ request_hash: string; at: string }>(
        '/admin/v1/approvals',
        { account: SUB },
        5,
      );
      expect(items).toHaveLength(12);
      expect(new Set(items.map((item) => item.request_hash)).size).toBe(12);
      const times = items.map((item) => Date.parse(item.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('filters by outcome, and refuses a cursor it did not give', async () => {
      const { items } = await walk<{ decision: string }>(
        '/admin/v1/approvals',
        { account: SUB, outcome: 'denied' },
        2,
      );
      expect(items.map((item) => item.decision)).toEqual(['denied', 'denied', 'denied']);
      await badCursor('/admin/v1/approvals', { account: SUB });
      const unknown = await t
        .http()
        .get('/admin/v1/approvals')
        .query({ account: SUB, outcome: 'maybe' })
        .set('Authorization', `Bearer ${token}`);
      expect(unknown.status).toBe(400);
      expect(unknown.body).toMatchObject({ error: 'invalid_request' });
    });
  });

  describe('sessions', () => {
    const SUB = 'traveller';
    const ids = Array.from({ length: 14 }, (_, i) => `session-id-hash-${i}`);

    beforeAll(async () => {
      const base = t.clock.now().getTime();
      // Four sign-ins share each instant: the sid orders them, across a page's edge.
      const docs = ids.map((_id, i) => ({
        _id,
        sub: SUB,
        authMethod: 'password',
        authTime: new Date(base - Math.floor(i / 4) * 60_000),
        expiresAt: new Date(base + (i === 13 ? -1000 : HOUR)),
      }));
      await t.connection.db!.collection('sessions').insertMany(docs as never[]);
    });

    it("walks an account's live sessions newest first, each once, the ended one left out", async () => {
      const { items } = await walk<{ sid: string; auth_time: string }>(
        '/admin/v1/sessions',
        { user: SUB },
        3,
      );
      const live = ids.slice(0, 13).map(sessionIdOf);
      expect(items.map((item) => item.sid).sort()).toEqual([...live].sort());
      const order = items.map((item) => [-Date.parse(item.auth_time), item.sid] as const);
      const sorted = [...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
      expect(order).toEqual(sorted);
    });

    it('finds who the user is on the first page only: its cursor carries the account', async () => {
      const { lookups, pages } = await walk('/admin/v1/sessions', { user: SUB }, 3);
      expect(pages).toBe(5);
      expectFoundOnce(lookups);
    });

    it('shows a session of the last page, and refuses a cursor it did not give', async () => {
      const last = sessionIdOf(ids[12]);
      const shown = await t
        .http()
        .get(`/admin/v1/sessions/${last}`)
        .query({ user: SUB })
        .set('Authorization', `Bearer ${token}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ sid: last, sub: SUB });
      await badCursor('/admin/v1/sessions', { user: SUB });
    });
  });

  describe('signing keys', () => {
    it('walks every key, retired ones included, oldest first, each once, as the one page has them', async () => {
      // Rotations leave retired keys on record: one more per alg each time.
      const keys = t.app.get(SigningKeyService);
      for (let i = 0; i < 3; i++) await keys.rotate();
      type Key = { kid: string; state: string; created_at: string };
      const whole = await walk<Key>('/admin/v1/keys', {}, 1000);
      expect(whole.pages).toBe(1);
      expect(whole.items.filter((key) => key.state === 'retired').length).toBeGreaterThanOrEqual(3);

      const paged = await walk<Key>('/admin/v1/keys', {}, 2);
      expect(paged.pages).toBe(Math.ceil(whole.items.length / 2));
      expect(paged.items).toEqual(whole.items);
      expect(new Set(paged.items.map((key) => key.kid)).size).toBe(whole.items.length);
      const created = paged.items.map((key) => Date.parse(key.created_at));
      expect(created).toEqual([...created].sort((a, b) => a - b));
      await badCursor('/admin/v1/keys', {});
    });
  });
});
