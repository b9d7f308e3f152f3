/**
 * Issue #19, finding 1: clients that register themselves (RFC 7591, anonymous) are bounded, and
 * the CORS check costs one read by `_id` of the origin asked, whatever the number of clients.
 * Database work is counted with the driver's command monitoring (as round-trips.e2e-spec.ts does);
 * time is moved with the injectable Clock; the admin CLI runs in-process on the same clock.
 */
import type { mongo } from 'mongoose';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AppConfig } from '../../../src/config/app-config';
import { TestApp, createTestApp } from '../../support/test-app';
import { adminCli } from '../../support/admin-cli';
import { walletLogin as signInWithWallet } from '../../support/wallet-login';
import { register as registerMetadata } from '../../support/registration';

const HOUR = 3600;
const DAY = 24 * HOUR;
/** Flow-independent settings of every app here: registration unlimited per IP, figures quiet. */
const ENV = { RATE_LIMIT_REGISTER_PER_IP: '100000', FIGURES_FLUSH_MS: '600000' };

interface Sent {
  readonly name: string;
  readonly collection: unknown;
  readonly command: mongo.Document;
}

/** What a command was and which documents it asked for. */
const described = (c: Sent): unknown[] => [c.name, c.collection, c.command.filter as unknown];

/** Commands sent to the client collections (`oauth_clients`, `client_origins`) while it runs. */
function watchClientCollections(t: TestApp) {
  let sent: Sent[] | undefined;
  t.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => {
    const collection: unknown = event.command[event.commandName];
    if (collection === 'oauth_clients' || collection === 'client_origins') {
      sent?.push({ name: event.commandName, collection, command: event.command });
    }
  });
  return async (work: () => Promise<unknown>): Promise<Sent[]> => {
    sent = [];
    await work();
    const seen = sent;
    sent = undefined;
    return seen;
  };
}

async function register(t: TestApp, redirectUri: string, expect = 201) {
  return registerMetadata(t, {
    redirect_uris: [redirectUri],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    client_name: 'Registered in a test',
  }).expect(expect);
}

async function registered(t: TestApp, redirectUri: string): Promise<string> {
  return (await register(t, redirectUri)).body.client_id as string;
}

function preflight(t: TestApp, origin: string, path = '/token') {
  return t
    .http()
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', path === '/token' ? 'POST' : 'GET')
    .expect(204);
}

async function allowed(t: TestApp, origin: string): Promise<boolean> {
  const res = await preflight(t, origin);
  return res.headers['access-control-allow-origin'] === origin;
}

/** A wallet login for `clientId` (a token issued to it), answering its refresh token. */
async function walletLogin(t: TestApp, clientId: string): Promise<string> {
  const account = privateKeyToAccount(generatePrivateKey());
  return (await signInWithWallet(t, account, { client_id: clientId })).refresh_token;
}

function refresh(t: TestApp, clientId: string, refreshToken: string) {
  return t
    .http()
    .post('/token')
    .type('form')
    .send({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });
}

function stored(t: TestApp, clientId: string) {
  return t.connection
    .collection<{ _id: string; expiresAt?: Date; lastUsedAt?: Date }>('oauth_clients')
    .findOne({ _id: clientId });
}

describe('CORS origin check: one read by _id of the origin, cached, whatever the number of clients', () => {
  let t: TestApp;
  let counted: ReturnType<typeof watchClientCollections>;
  const CLIENTS = 30;

  beforeAll(async () => {
    t = await createTestApp(ENV);
    counted = watchClientCollections(t);
    for (let i = 0; i < CLIENTS; i++) await registered(t, `https://app-${i}.example/cb`);
  });
  afterAll(() => t.close());

  it(`answers a preflight after ${CLIENTS} registrations with one _id read, then from memory`, async () => {
    const origin = 'https://app-7.example';
    let ok = false;
    const first = await counted(async () => (ok = await allowed(t, origin)));
    expect(ok).toBe(true);
    // No read of the clients themselves, in bulk or not: one look-up of this origin by _id.
    expect(first.map(described)).toEqual([['find', 'client_origins', { _id: origin }]]);
    expect(await counted(async () => (ok = await allowed(t, origin)))).toEqual([]);
    expect(ok).toBe(true);
    // GET /api/me with an Origin header asks the same, answered from the same cache.
    const me = await counted(() => t.http().get('/api/me').set('Origin', origin).expect(401));
    expect(me).toEqual([]);
  });

  it('caches a refused origin too, and looks nothing up for a value that is no origin', async () => {
    const stranger = 'https://not-registered.example';
    const first = await counted(async () => expect(await allowed(t, stranger)).toBe(false));
    expect(first.map(described)).toEqual([['find', 'client_origins', { _id: stranger }]]);
    expect(await counted(async () => expect(await allowed(t, stranger)).toBe(false))).toEqual([]);
    const junk = await counted(async () => {
      for (const value of ['null', 'https://app-7.example/cb', 'HTTPS://APP-7.EXAMPLE']) {
        expect(await allowed(t, value)).toBe(false);
      }
    });
    expect(junk).toEqual([]);
  });

  it('does not make the next preflight of an unrelated origin read the database after a registration', async () => {
    const origin = 'https://app-11.example';
    expect(await allowed(t, origin)).toBe(true);
    const newcomer = 'https://newcomer.example';
    expect(await allowed(t, newcomer)).toBe(false);
    await registered(t, `${newcomer}/callback`);

    expect(await counted(async () => expect(await allowed(t, origin)).toBe(true))).toEqual([]);
    // The new client's own origin is forgotten as refused: allowed at once on this instance.
    const reread = await counted(async () => expect(await allowed(t, newcomer)).toBe(true));
    expect(reread.map(described)).toEqual([['find', 'client_origins', { _id: newcomer }]]);
  });
});

describe('registered clients expire (REGISTERED_CLIENT_UNUSED_TTL_HOURS, REGISTERED_CLIENT_IDLE_TTL_DAYS)', () => {
  let t: TestApp;
  let counted: ReturnType<typeof watchClientCollections>;

  beforeAll(async () => {
    t = await createTestApp(ENV);
    counted = watchClientCollections(t);
  });
  afterAll(() => t.close());

  it('forgets a client never used after 24 hours: at /authorize, at /token and for CORS', async () => {
    const clientId = await registered(t, 'https://unused.example/cb');
    const authorize = () =>
      t.http().get('/authorize').query({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: 'https://unused.example/cb',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 'xyz',
      });
    expect((await authorize()).status).toBe(302);
    expect(await allowed(t, 'https://unused.example')).toBe(true);

    t.clock.advance(23 * HOUR);
    expect((await authorize()).status).toBe(302);

    t.clock.advance(1 * HOUR + 1);
    expect((await authorize()).status).toBe(400);
    expect(await allowed(t, 'https://unused.example')).toBe(false);
    const token = await refresh(t, clientId, 'a-refresh-token-of-no-grant').expect(401);
    expect(token.body.error).toBe('invalid_client');
  });

  it('keeps a used client, writes its use about once a day, and forgets it 90 days after its last token', async () => {
    const clientId = await registered(t, 'https://used.example/cb');
    const registeredAt = t.clock.now().getTime();
    expect((await stored(t, clientId))?.expiresAt?.getTime()).toBeLessThanOrEqual(
      registeredAt + DAY * 1000,
    );

    let refreshToken = await walletLogin(t, clientId);
    const afterUse = await stored(t, clientId);
    expect(afterUse?.lastUsedAt?.getTime()).toBeGreaterThanOrEqual(registeredAt);
    expect(afterUse?.expiresAt?.getTime()).toBeGreaterThan(registeredAt + 89 * DAY * 1000);

    // More tokens the same day: not one write to the client collections.
    const sameDay = await counted(async () => {
      for (let i = 0; i < 3; i++) {
        const res = await refresh(t, clientId, refreshToken).expect(200);
        refreshToken = res.body.refresh_token as string;
      }
    });
    expect(sameDay.filter((c) => c.name !== 'find')).toEqual([]);

    t.clock.advance(2 * DAY);
    expect(await allowed(t, 'https://used.example')).toBe(true);
    // A day later the next token moves its expiry on: one write of the client, one of its origin.
    const nextDay = await counted(async () => {
      const res = await refresh(t, clientId, refreshToken).expect(200);
      refreshToken = res.body.refresh_token as string;
    });
    expect(nextDay.filter((c) => c.name !== 'find').map((c) => c.collection)).toEqual([
      'client_origins',
      'oauth_clients',
    ]);
    const lastUse = t.clock.now().getTime();

    t.clock.advance(89 * DAY);
    expect(await allowed(t, 'https://used.example')).toBe(true);
    t.clock.advance(1 * DAY + 60);
    expect(t.clock.now().getTime() - lastUse).toBeGreaterThan(90 * DAY * 1000);
    expect(await allowed(t, 'https://used.example')).toBe(false);
    const res = await refresh(t, clientId, refreshToken).expect(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('never expires configured clients', async () => {
    // Months on (the clock moved ~4 months in this file): demo-spa still gets CORS.
    expect(await allowed(t, 'http://127.0.0.1:25002')).toBe(true);
    expect((await stored(t, 'demo-spa'))?.expiresAt).toBeUndefined();
  });
});

describe('REGISTERED_CLIENTS_MAX: registration is refused at the bound, and frees up as clients expire', () => {
  let t: TestApp;
  // Clients stored before any registration: the configured (demo) ones and the built-in two, the
  // wallet's and the admin console's (proofgate-console).
  const base = AppConfig.fromEnv(process.env).oauth.clients.length + 2;

  beforeAll(async () => {
    t = await createTestApp({ ...ENV, REGISTERED_CLIENTS_MAX: String(base + 2) });
  });
  afterAll(() => t.close());

  it('answers 503 temporarily_unavailable with Retry-After in the envelope, until expired clients are swept', async () => {
    expect(await t.connection.collection('oauth_clients').countDocuments()).toBe(base);
    await registered(t, 'https://one.example/cb');
    await registered(t, 'https://two.example/cb');

    const full = await register(t, 'https://three.example/cb', 503);
    expect(full.body).toEqual({
      error: 'temporarily_unavailable',
      error_description:
        'Client registration is temporarily closed: the server holds as many clients as it may; try again later',
    });
    expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
    expect(await t.connection.collection('oauth_clients').countDocuments()).toBe(base + 2);

    // The two were never used: a day on they expired, and the next registration sweeps them.
    t.clock.advance(DAY + 60);
    await registered(t, 'https://three.example/cb');
    expect(await t.connection.collection('oauth_clients').countDocuments()).toBe(base + 1);
  });
});

describe('admin CLI: clients list --registered / --expired, clients prune', () => {
  let t: TestApp;

  /** `proofgate-admin` in-process on this file's database and on the app's clock. */
  async function admin(argv: string[]): Promise<{ code: number; stdout: string }> {
    const { code, output } = await adminCli(t, argv);
    return { code, stdout: output };
  }

  async function adminJson<T>(argv: string[]): Promise<T> {
    const run = await admin([...argv, '--json']);
    if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}: ${run.stdout}`);
    return JSON.parse(run.stdout) as T;
  }

  type Listed = {
    client_id: string;
    last_used_at?: number;
    expires_at?: number;
    expired?: boolean;
  };
  type Pruned = { dry_run: boolean; deleted: number; grants_revoked: number; clients: Listed[] };

  beforeAll(async () => {
    t = await createTestApp(ENV);
  });
  afterAll(() => t.close());

  it('lists registered clients with created, last used and expiry, and prunes the expired or unused', async () => {
    const unused = await registered(t, 'https://unused-cli.example/cb');
    const used = await registered(t, 'https://used-cli.example/cb');
    await walletLogin(t, used);
    t.clock.advance(DAY + 60);

    const all = await adminJson<Listed[]>(['clients', 'list', '--registered']);
    expect(all.map((c) => c.client_id).sort()).toEqual([unused, used].sort());
    const usedRow = all.find((c) => c.client_id === used)!;
    expect(usedRow.last_used_at).toEqual(expect.any(Number));
    expect(usedRow.expired).toBe(false);
    const human = await admin(['clients', 'list', '--registered']);
    expect(human.stdout).toMatch(/^CLIENT ID\s+NAME\s+CREATED\s+LAST USED\s+EXPIRES/);
    expect(human.stdout).toContain('(expired)');

    const expired = await adminJson<Listed[]>(['clients', 'list', '--expired']);
    expect(expired.map((c) => c.client_id)).toEqual([unused]);

    const dry = await adminJson<Pruned>(['clients', 'prune', '--dry-run']);
    expect(dry).toMatchObject({ dry_run: true, deleted: 0 });
    expect(dry.clients.map((c) => c.client_id)).toEqual([unused]);
    expect(await stored(t, unused)).not.toBeNull();

    const pruned = await adminJson<Pruned>(['clients', 'prune']);
    expect(pruned).toMatchObject({ dry_run: false, deleted: 1 });
    expect(await stored(t, unused)).toBeNull();
    expect(await stored(t, used)).not.toBeNull();

    // Three days without a token: pruned on request, with its grant; configured clients stay.
    t.clock.advance(2 * DAY);
    expect((await adminJson<Pruned>(['clients', 'prune', '--unused-days', '4'])).deleted).toBe(0);
    const idle = await adminJson<Pruned>(['clients', 'prune', '--unused-days', '3']);
    expect(idle).toMatchObject({ deleted: 1, grants_revoked: 1 });
    expect(idle.clients.map((c) => c.client_id)).toEqual([used]);
    expect(await stored(t, used)).toBeNull();
    expect(await stored(t, 'demo-client')).not.toBeNull();
    expect(await allowed(t, 'https://used-cli.example')).toBe(false);

    const refused = await admin(['clients', 'prune', '--unused-days', 'soon']);
    expect(refused.code).not.toBe(0);
  });
});

describe('upgrade: a database written before the origin index', () => {
  it('still gives existing clients CORS after a restart, and gives old registrations an expiry', async () => {
    const first = await createTestApp(ENV);
    const clients = first.connection.collection<Record<string, unknown>>('oauth_clients');
    const registeredAt = new Date(Date.now() - 30 * DAY * 1000);
    // As the previous version stored them: no `origins`, no `expiresAt`, no origin index.
    await clients.insertOne({
      _id: 'dcr_0123456789abcdef0123456789abcdef' as never,
      type: 'public',
      name: 'Registered before the upgrade',
      redirectUris: ['https://old-spa.example/callback'],
      grantTypes: ['authorization_code'],
      dynamicallyRegisteredAt: registeredAt,
    });
    await clients.insertOne({
      _id: 'operator-app' as never,
      type: 'public',
      name: 'Added by an operator',
      redirectUris: ['https://operator-app.example/cb', 'com.example.app:/cb'],
    });
    await first.connection.collection('client_origins').drop();
    await first.close({ dropDatabase: false });

    const t = await createTestApp(ENV);
    try {
      expect(await allowed(t, 'https://old-spa.example')).toBe(true);
      expect(await allowed(t, 'https://operator-app.example')).toBe(true);
      const old = await stored(t, 'dcr_0123456789abcdef0123456789abcdef');
      expect(old?.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 89 * DAY * 1000);
      expect((await stored(t, 'operator-app'))?.expiresAt).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
