/**
 * Issue #77 item 6: the security events an operator reads over the admin API
 * (`GET /admin/v1/security-events`) and the CLI (`security-events list`), on one service. Real
 * attacks provoke them (a replayed authorization code, a reused refresh token); what comes back
 * names the type, the source, the count and the minute, never the code or token itself. The list
 * pages as every admin list does (newest first, ties by id), its filters are checked, and the
 * route needs admin:read.
 */
import {
  SECURITY_EVENT_TYPES,
  SecurityEventLog,
} from '../../../src/telemetry/security-events/security-event.log';
import type { mongo } from 'mongoose';
import { redact } from '../../../src/platform/crypto/hashing';
import { adminCli } from '../../support/admin-cli';
import {
  basic,
  DEMO_CLIENT,
  exchangeCode,
  obtainCode,
  refresh,
  tokensFor,
  useLoggedInApp,
} from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';

const READER = { id: 'sec-reader', secret: 'sec-reader-secret-1234' };
const WRITER = { id: 'sec-writer', secret: 'sec-writer-secret-1234' };

interface Item {
  id: string;
  type: string;
  source: Record<string, string>;
  count: number;
  at: string;
  last_at: string;
  details: Record<string, string>;
}

describe('security events over the admin API and the CLI', () => {
  const t = useLoggedInApp({
    RATE_LIMIT_ADMIN_API_PER_CLIENT: '10000',
    RATE_LIMIT_ADMIN_API_PER_IP: '10000',
    OAUTH_CLIENTS: JSON.stringify([
      {
        client_id: READER.id,
        client_secret: READER.secret,
        grant_types: ['client_credentials'],
        admin_scopes: ['admin:read'],
      },
      {
        client_id: WRITER.id,
        client_secret: WRITER.secret,
        grant_types: ['client_credentials'],
        admin_scopes: ['admin:write'],
      },
    ]),
  });

  async function tokenOf(client: { id: string; secret: string }, scope: string) {
    const response = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(client.id, client.secret))
      .send({ grant_type: 'client_credentials', scope });
    expect(response.status).toBe(200);
    return (response.body as { access_token: string }).access_token;
  }

  const list = (query: Record<string, string | number> = {}, token = reader) =>
    t.http().get('/admin/v1/security-events').query(query).set('Authorization', `Bearer ${token}`);

  let reader: string;
  /** What the attacks presented: none of it may come back. */
  const presented: string[] = [];
  let codeReplayedAt: Date;
  let refreshReusedAt: Date;
  let reusedRefreshToken: string;

  beforeAll(async () => {
    reader = await tokenOf(READER, 'admin:read');

    // A code redeemed, then replayed by its client: refused, its grant revoked, one event.
    const { code, verifier } = await obtainCode(t.agent);
    await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    codeReplayedAt = t.clock.now();
    const replay = await exchangeCode(t.app.getHttpServer(), code, verifier);
    expect(replay.status).toBe(400);
    presented.push(code, verifier);

    // A refresh token used again after its successor's grace window: the family revoked.
    t.clock.advance(120);
    const first = await tokensFor(t.app.getHttpServer(), t.agent, { scope: 'profile api' });
    const second = await refresh(t.app.getHttpServer(), first.refresh_token).expect(200);
    t.clock.advance(61);
    refreshReusedAt = t.clock.now();
    const reuse = await refresh(t.app.getHttpServer(), first.refresh_token);
    expect(reuse.body).toMatchObject({ error: 'invalid_grant' });
    reusedRefreshToken = first.refresh_token;
    presented.push(first.refresh_token, first.access_token, second.body.refresh_token as string);
  });

  it('answers the attacks newest first: type, source, count and minute, never what was presented', async () => {
    const response = await list();
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const { items, next } = response.body as { items: Item[]; next: string | null };
    expect(next).toBeNull();
    expect(items).toEqual([
      {
        id: expect.any(String),
        type: 'refresh_token_reuse',
        source: { client_id: DEMO_CLIENT.id },
        count: 1,
        at: expect.any(String),
        last_at: expect.any(String),
        details: {
          client_id: DEMO_CLIENT.id,
          grant_id: expect.any(String),
          token: redact(reusedRefreshToken),
        },
      },
      {
        id: expect.any(String),
        type: 'authorization_code_replay',
        source: { client_id: DEMO_CLIENT.id },
        count: 1,
        at: expect.any(String),
        last_at: expect.any(String),
        details: {
          client_id: DEMO_CLIENT.id,
          code: expect.stringMatching(/^sha256:[A-Za-z0-9_-]{8}$/),
          outcome: 'grant_revoked',
        },
      },
    ]);
    expect(new Date(items[0].at).getTime()).toBeGreaterThanOrEqual(refreshReusedAt.getTime());
    expect(new Date(items[1].at).getTime()).toBeGreaterThanOrEqual(codeReplayedAt.getTime());
    expect(new Date(items[1].at).getTime()).toBeLessThan(refreshReusedAt.getTime());
    // The revoked grant is one the API shows.
    const grant = await t
      .http()
      .get('/admin/v1/grants')
      .query({ user: 'user0' })
      .set('Authorization', `Bearer ${reader}`);
    expect(
      (grant.body as { items: { grant_id: string; revoked_at: string | null }[] }).items.find(
        (g) => g.grant_id === items[0].details.grant_id,
      ),
    ).toMatchObject({ revoked_at: expect.any(String) });
    for (const secret of presented) expect(response.text).not.toContain(secret);
  });

  it('filters by type and by the time of the first event', async () => {
    const reuse = await list({ type: 'refresh_token_reuse' }).expect(200);
    expect((reuse.body as { items: Item[] }).items.map((item) => item.type)).toEqual([
      'refresh_token_reuse',
    ]);
    const none = await list({ type: 'wallet_nonce_replay' }).expect(200);
    expect(none.body).toEqual({ items: [], next: null });
    const since = await list({ since: new Date(refreshReusedAt.getTime() - 1000).toISOString() });
    expect((since.body as { items: Item[] }).items.map((item) => item.type)).toEqual([
      'refresh_token_reuse',
    ]);
  });

  it('lists the same through `proofgate-admin security-events list`, on the same service', async () => {
    const api = (await list({ type: 'authorization_code_replay' }).expect(200)).body as {
      items: Item[];
    };
    const cli = await adminCli(t, [
      'security-events',
      'list',
      '--type',
      'authorization_code_replay',
      '--json',
    ]);
    expect(cli).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(cli.stdout)).toEqual(api.items);

    const table = await adminCli(t, ['security-events', 'list', '--since', '1h']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^AT\s+TYPE\s+SOURCE\s+COUNT\s+LAST$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/).slice(1, 4))).toEqual([
      ['refresh_token_reuse', `client_id=${DEMO_CLIENT.id}`, '1'],
      ['authorization_code_replay', `client_id=${DEMO_CLIENT.id}`, '1'],
    ]);

    const refused = await adminCli(t, ['security-events', 'list', '--since', 'yesterday']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('an RFC 3339 time, or a duration ago (90m, 24h, 7d)');
  });

  it('pages to the end with a small limit, each window once, newest first, ties by id', async () => {
    // Windows of one instant (different wallets) and of a later one, counted by the real log.
    const log = t.app.get(SecurityEventLog);
    t.clock.advance(600);
    t.clock.freeze();
    try {
      for (let i = 0; i < 5; i++) {
        await log.record('wallet_nonce_replay', { address: `0xwallet${i}`, nonce: 'sha256:x' });
      }
      await log.record('wallet_nonce_replay', { address: '0xwallet0', nonce: 'sha256:x' });
      t.clock.advance(1);
      for (let i = 5; i < 8; i++) {
        await log.record('wallet_nonce_replay', { address: `0xwallet${i}`, nonce: 'sha256:x' });
      }
    } finally {
      t.clock.thaw();
    }
    // Each page is one find on security_events, whatever its position (a keyset, no skip).
    const client = t.connection.getClient();
    const finds: number[] = [];
    const listen = (event: mongo.CommandStartedEvent) => {
      if (event.commandName === 'find' && event.command.find === 'security_events') {
        finds[finds.length - 1] += 1;
      }
    };
    client.on('commandStarted', listen);
    const walked: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    try {
      do {
        finds.push(0);
        const page = await list({
          type: 'wallet_nonce_replay',
          limit: 3,
          ...(cursor === null ? {} : { cursor }),
        }).expect(200);
        const body = page.body as { items: Item[]; next: string | null };
        if (body.next !== null) expect(body.items).toHaveLength(3);
        walked.push(...body.items);
        cursor = body.next;
        pages += 1;
      } while (cursor !== null && pages < 10);
    } finally {
      client.off('commandStarted', listen);
    }
    expect(pages).toBe(3);
    expect(finds).toEqual([1, 1, 1]);
    expect(walked).toHaveLength(8);
    const order = [...walked].sort(
      (a, b) => b.at.localeCompare(a.at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    );
    expect(walked).toEqual(order);
    expect(new Set(walked.map((item) => item.source.address)).size).toBe(8);
    expect(walked.find((item) => item.source.address === '0xwallet0')?.count).toBe(2);

    // All types: the wallets' windows, then the two attacks before them.
    const all = await list({ limit: 8 }).expect(200);
    const allBody = all.body as { items: Item[]; next: string | null };
    expect(allBody.items.map((item) => item.id)).toEqual(walked.map((item) => item.id));
    const rest = await list({ limit: 8, cursor: allBody.next! }).expect(200);
    expect((rest.body as { items: Item[] }).items.map((item) => item.type)).toEqual([
      'refresh_token_reuse',
      'authorization_code_replay',
    ]);
  });

  it('answers 400 invalid_request for a bad filter, limit or cursor', async () => {
    const cases: [Record<string, string>, string][] = [
      [
        { type: 'nope' },
        `type must be one of the following values: ${SECURITY_EVENT_TYPES.join(', ')}`,
      ],
      [{ since: 'yesterday' }, 'since must be a valid ISO 8601 date string'],
      [{ limit: '0' }, 'limit must not be less than 1'],
      [{ cursor: 'bm90LW91cnM' }, 'cursor is not one this API gave (use the `next` of a page)'],
      [
        { cursor: Buffer.from('{"k":"nope"}').toString('base64url') },
        'cursor is not one this API gave (use the `next` of a page)',
      ],
      [{ source: 'x' }, 'Unknown parameter: source'],
    ];
    for (const [query, description] of cases) {
      expectRefusal(await list(query), 400, 'invalid_request', description);
    }
  });

  it('answers 403 insufficient_scope without admin:read, 401 without a token', async () => {
    const writer = await tokenOf(WRITER, 'admin:write');
    const refused = await list({}, writer);
    expectRefusal(refused, 403, 'insufficient_scope', 'This call needs the scope admin:read');
    expect(refused.headers['www-authenticate']).toMatch(
      /^Bearer .*error="insufficient_scope".*scope="admin:read"/,
    );
    const anonymous = await t.http().get('/admin/v1/security-events');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
  });
});
