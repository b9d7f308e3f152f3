import { ChallengeFiguresRecorder } from '../../../src/compare/figures/challenge-figures.recorder';
import request from 'supertest';
import { privateKeyToAccount, generatePrivateKey } from 'viem/accounts';
import { TestApp, createTestApp } from '../../support/test-app';
import { Agent, demoAuthorizePath, exchangeCode, login, obtainCode } from '../../support/oauth';
import { sample } from '../../support/metrics';
import { LOGIN_MODEL_IDS } from '../../support/challenge-models';

interface WindowFigures {
  issued: number;
  redeemed: number;
  expired_unredeemed: number;
  rejected: { total: number; by_reason: Record<string, number> };
  redemption_latency_ms: { p50: number | null; p95: number | null };
}
interface ModelView {
  id: string;
  policy: { lifetime_seconds: number; delete_on_use: boolean; bound_to: string[] };
  figures: { live: number; since_start: WindowFigures; last_5_minutes: WindowFigures };
}

interface ClientUse {
  clients: string;
  through: string[];
  standards: string[];
}

describe('GET /challenge-models: live figures from two instances sharing one database', () => {
  const env = { WALLET_NONCE_TTL_SECONDS: '60' };
  let a: TestApp;
  let b: TestApp;
  let agentA: Agent;
  const account = privateKeyToAccount(generatePrivateKey());

  beforeAll(async () => {
    a = await createTestApp(env);
    b = await createTestApp(env);
    agentA = request.agent(a.app.getHttpServer());
    await login(agentA);
  });
  afterAll(async () => {
    await b.close({ dropDatabase: false });
    await a.close();
  });

  const flushFigures = (...apps: TestApp[]) =>
    Promise.all(apps.map((t) => t.app.get(ChallengeFiguresRecorder).flush()));
  const advanceBoth = (seconds: number) => {
    a.clock.advance(seconds);
    b.clock.advance(seconds);
  };
  const nonce = async (t: TestApp) =>
    (
      await t
        .http()
        .post('/wallet/nonce')
        .send({ address: account.address, chainId: 1 })
        .expect(201)
    ).body as { message: string };
  const verify = async (t: TestApp, message: string, signature: string) =>
    t.http().post('/wallet/verify').send({ message, signature });

  it('describes both models with their static shape and live policy', async () => {
    const res = await a.http().get('/challenge-models').expect(200);
    const models = res.body.models as ModelView[];
    expect(models.map((m) => m.id)).toEqual(LOGIN_MODEL_IDS);
    expect(models[0]).toMatchObject({
      protocol: {
        standard: expect.arrayContaining(['RFC 7636']),
        cryptography: expect.stringMatching(/SHA-256/),
      },
      policy: {
        lifetime_seconds: 60,
        delete_on_use: true,
        bound_to: ['client_id', 'redirect_uri', 'code_challenge'],
        storage: {
          collection: 'challenges',
          ttl_index: { field: 'expiresAt', expire_after_seconds: 0 },
        },
      },
    });
    expect(models[1]).toMatchObject({
      protocol: {
        standard: expect.arrayContaining(['EIP-4361']),
        cryptography: expect.stringMatching(/secp256k1/),
      },
      policy: { lifetime_seconds: 60, bound_to: ['address', 'chain_id'] },
    });
    const one = await a.http().get('/challenge-models/siwe').expect(200);
    expect(one.body.id).toBe('siwe');
    const unknown = await a.http().get('/challenge-models/saml').expect(404);
    expect(unknown.body.error).toBe('not_found');
    expect(unknown.body.error_description).toMatch(/pkce.*private_key_jwt/);
  });

  it('describes the email model: what is bound, its lifetime, what a phished code yields, on the page too', async () => {
    const email = (await a.http().get('/challenge-models/email').expect(200)).body as ModelView;
    expect(email).toMatchObject({
      id: 'email',
      protocol: { endpoints: expect.arrayContaining(['POST /login/email/start']) },
      policy: {
        lifetime_seconds: 600,
        delete_on_use: true,
        bound_to: ['browser (pre-login session)', 'email address', 'code or link token'],
        storage: { collection: 'challenges' },
        threats: {
          stops: expect.arrayContaining([
            expect.stringMatching(/^a code or link used in another browser: refused/),
            expect.stringMatching(/^guessing the code: 5 wrong codes spend the challenge/),
          ]),
          does_not_stop: expect.arrayContaining([
            expect.stringMatching(
              /a phished code yields the account, once, within its 10 minutes\); never phr/,
            ),
          ]),
        },
      },
    });
    const page = await a.http().get('/challenge-models').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Email codes');
    expect(page.text).toContain('600 s');
    expect(page.text).toContain('a phished code yields the account');
  });

  it('puts the hardware-bound passkey beside the passkey as its variant: what differs, its figures counted once, under passkey', async () => {
    const overview = (await a.http().get('/challenge-models').expect(200)).body as {
      models: (ModelView & { variants: Record<string, unknown>[] })[];
    };
    // Not a model of its own: the models, their order and their figures are unchanged.
    expect(overview.models.map((m) => m.id)).toEqual(LOGIN_MODEL_IDS);
    const passkey = overview.models.find((m) => m.id === 'passkey')!;
    for (const other of overview.models.filter((m) => m.id !== 'passkey')) {
      expect({ id: other.id, variants: other.variants }).toEqual({ id: other.id, variants: [] });
    }
    expect(passkey.variants).toHaveLength(1);
    const [variant] = passkey.variants as [
      {
        protocol: Record<string, unknown>;
        differs_in: string[];
        threats: { stops: string[]; does_not_stop: string[] };
      } & Record<string, unknown>,
    ];
    expect(variant).toMatchObject({
      id: 'passkey_hardware_bound',
      variant_of: 'passkey',
      achieves: { acr: 'phrh', amr: ['hwk'] },
      shares: expect.stringMatching(
        /^the challenges \(webauthn_authentication, webauthn_registration\), lifetime and figures of passkey: counted once, under passkey$/,
      ) as string,
      // A default deployment asks for no attestation and trusts no root: nothing reaches phrh.
      settings: {
        attestation: expect.stringMatching(
          /^PASSKEY_ATTESTATION=none: .*no new passkey is hardware-bound/,
        ) as string,
        trust_list: 'empty: no attestation chains to it, so no passkey is hardware-bound',
        registration: expect.stringMatching(/^PASSKEY_REQUIRE_HARDWARE=false: /) as string,
        models: 'any authenticator model (PASSKEY_ALLOWED_AAGUIDS unset)',
      },
    });
    // What differs is stored and verified at registration; the rest of the shape is the passkey's.
    expect(variant.differs_in).toEqual(
      expect.arrayContaining(['server_stores', 'server_verifies']),
    );
    expect(variant.differs_in).not.toContain('endpoints');
    expect(variant.protocol.server_stores).toMatch(/attestation's verdict/);
    expect(variant.protocol.server_verifies).toMatch(/trust list.*backup-eligible flag clear/);
    expect(variant.protocol.endpoints).toEqual(
      (passkey as unknown as { protocol: { endpoints: string[] } }).protocol.endpoints,
    );
    expect(variant.threats.stops[0]).toMatch(/^a key exported through a sync provider account/);
    expect(variant.threats.does_not_stop.join(' ')).toMatch(/not that this device is sound/);
    // GET /challenge-models/passkey carries it too.
    const one = (await a.http().get('/challenge-models/passkey').expect(200)).body as {
      variants: unknown[];
    };
    expect(one.variants).toEqual([{ ...variant }]);

    // The page: its own column right after the passkey's, the shared cells said so.
    const page = await a.http().get('/challenge-models').set('Accept', 'text/html').expect(200);
    const head = /<table class="compare">[\s\S]*?<thead>([\s\S]*?)<\/thead>/.exec(page.text)![1];
    expect(head).toContain(
      '<th scope="col">Passkeys (WebAuthn)</th><th scope="col">Hardware-bound passkeys (verified attestation)</th>',
    );
    expect(page.text).toContain('<span class="muted">as Passkeys (WebAuthn)</span>');
    expect(page.text).toContain('acr <code>phrh</code>, amr <code>hwk</code>');
    expect(page.text).toContain('a key exported through a sync provider account');
    // No figures of its own: the figures table has no column for it.
    expect(page.text).not.toContain('data-model="passkey_hardware_bound"');
  });

  it('answers one proof of possession by its id, as the overview lists it', async () => {
    const overview = (await a.http().get('/challenge-models').expect(200)).body as {
      proof_of_possession: { id: string }[];
    };
    expect(overview.proof_of_possession.map((model) => model.id)).toEqual([
      'dpop',
      'par',
      'client_secret',
      'private_key_jwt',
      'jwt_bearer',
    ]);
    for (const listed of overview.proof_of_possession) {
      const one = await a.http().get(`/challenge-models/${listed.id}`).expect(200);
      expect(one.body).toEqual({ ...listed, figures: expect.any(Object) });
    }
    const jwt = await a.http().get('/challenge-models/private_key_jwt').expect(200);
    expect(jwt.body.store).toMatchObject({ challenge_kind: expect.any(String) });
  });

  it('names the clients of each model and what they use, with the live registration settings', async () => {
    const res = await a.http().get('/challenge-models').expect(200);
    const [pkce, siwe] = res.body.models as (ModelView & { used_by: ClientUse[] })[];
    expect(pkce.used_by.map((use) => use.clients)).toEqual([
      'browser single-page apps',
      'native and CLI apps',
      'OpenID Connect relying parties',
      'MCP clients',
    ]);
    const mcp = pkce.used_by.find((use) => use.clients === 'MCP clients')!;
    // Defaults: open registration without an initial access token, metadata documents on.
    expect(mcp.through).toEqual(
      expect.arrayContaining([
        'dynamic client registration (RFC 7591, POST /register): open to public clients',
        'client ID metadata documents (an https client_id): on',
      ]),
    );
    expect(mcp.standards).toEqual(expect.arrayContaining(['RFC 9728', 'RFC 7591', 'RFC 8707']));
    expect(siwe.used_by.map((use) => use.clients)).toEqual([
      'dApps, directly',
      'OpenID Connect relying parties',
    ]);
    expect(siwe.used_by[0].through).toContain(
      'wallets on chain 1; contract wallets (ERC-1271, ERC-6492) on no chain (no SIWE_RPC_URLS)',
    );
    expect(siwe.used_by[1].through.join(' ')).toMatch(/POST \/login\/siwe.*amr \["siwe"\]/);

    const page = await a.http().get('/challenge-models').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('<th scope="row">Used by</th>');
    expect(page.text).toContain('<strong>MCP clients</strong>');
    expect(page.text).toContain('POST /register): open to public clients');
  });

  it('counts issue 3, redeem 1, replay 1, let 1 expire, the same on both instances', async () => {
    // One of each expires unredeemed.
    await obtainCode(agentA);
    await nonce(a);
    advanceBoth(61);

    // Two more of each; one redeemed on the other instance, then replayed on this one.
    const { code, verifier } = await obtainCode(agentA);
    await obtainCode(agentA);
    await exchangeCode(b.app.getHttpServer(), code, verifier).expect(200);
    expect((await exchangeCode(a.app.getHttpServer(), code, verifier)).status).toBe(400);

    const issued = await nonce(a);
    await nonce(b);
    const signature = await account.signMessage({ message: issued.message });
    expect((await verify(b, issued.message, signature)).status).toBe(200);
    expect((await verify(a, issued.message, signature)).body.error).toBe('nonce_already_used');

    // Each instance adds its figures up in memory and writes them at most every second.
    await flushFigures(a, b);
    for (const t of [a, b]) {
      const models = (await t.http().get('/challenge-models').expect(200)).body
        .models as ModelView[];
      for (const [model, replayReason] of [
        ['pkce', 'replay'],
        ['siwe', 'replay'],
      ]) {
        const figures = models.find((m) => m.id === model)!.figures;
        const expected = {
          issued: 3,
          redeemed: 1,
          expired_unredeemed: 1,
          rejected: { total: 1, by_reason: { [replayReason]: 1 } },
        };
        expect(figures.live).toBe(1);
        expect(figures.since_start).toMatchObject(expected);
        expect(figures.last_5_minutes).toMatchObject(expected);
        expect(figures.since_start.redemption_latency_ms.p50).toEqual(expect.any(Number));
        expect(figures.since_start.redemption_latency_ms.p95).toBeGreaterThanOrEqual(
          figures.since_start.redemption_latency_ms.p50!,
        );
      }
    }

    // Once the window has passed, the last 5 minutes are empty again; totals stay.
    advanceBoth(600);
    await flushFigures(a, b);
    const later = (await b.http().get('/challenge-models/pkce').expect(200)).body as ModelView;
    expect(later.figures.last_5_minutes).toMatchObject({
      issued: 0,
      redeemed: 0,
      expired_unredeemed: 0,
    });
    expect(later.figures.since_start).toMatchObject({
      issued: 3,
      redeemed: 1,
      expired_unredeemed: 2,
    });
    expect(later.figures.live).toBe(0);
  });

  it('moves /metrics counters the same way, per instance, without secrets in labels', async () => {
    const metricsA = (await a.http().get('/metrics').expect(200)).text;
    const metricsB = (await b.http().get('/metrics').expect(200)).text;
    expect(sample(metricsA, 'proofgate_challenges_issued_total', { model: 'pkce' })).toBe(3);
    expect(sample(metricsA, 'proofgate_challenges_issued_total', { model: 'siwe' })).toBe(2);
    expect(sample(metricsB, 'proofgate_challenges_issued_total', { model: 'siwe' })).toBe(1);
    expect(sample(metricsB, 'proofgate_challenges_redeemed_total', { model: 'pkce' })).toBe(1);
    expect(sample(metricsB, 'proofgate_challenges_redeemed_total', { model: 'siwe' })).toBe(1);
    expect(
      sample(metricsA, 'proofgate_challenges_rejected_total', { model: 'pkce', reason: 'replay' }),
    ).toBe(1);
    expect(sample(metricsA, 'proofgate_authorization_code_reuse_total')).toBe(1);
    expect(
      sample(metricsA, 'proofgate_token_requests_total', {
        grant_type: 'authorization_code',
        outcome: 'invalid_grant',
      }),
    ).toBe(1);
    expect(
      sample(metricsB, 'proofgate_token_requests_total', {
        grant_type: 'authorization_code',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(sample(metricsA, 'proofgate_code_challenge_methods_total', { method: 'S256' })).toBe(3);
    expect(
      sample(metricsA, 'proofgate_authorization_requests_total', { outcome: 'code_issued' }),
    ).toBe(3);
    expect(sample(metricsA, 'proofgate_wallet_nonces_issued_total')).toBe(2);
    expect(sample(metricsB, 'proofgate_wallet_verifications_total', { outcome: 'success' })).toBe(
      1,
    );
    expect(
      sample(metricsA, 'proofgate_wallet_verifications_total', { outcome: 'nonce_already_used' }),
    ).toBe(1);
    expect(metricsB).toContain('proofgate_token_request_duration_seconds_bucket');
    expect(metricsB).toContain('proofgate_wallet_verify_duration_seconds_bucket');
    expect(metricsA.toLowerCase()).not.toContain(account.address.toLowerCase().slice(2));
  });

  it('lists live challenges with secrets reduced to hash prefixes', async () => {
    const { code } = await obtainCode(agentA);
    const res = await a.http().get('/challenge-models/live').expect(200);
    const challenges = res.body.challenges as {
      model: string;
      key_hash_prefix: string;
      binding: Record<string, string>;
    }[];
    expect(challenges.length).toBeGreaterThanOrEqual(1);
    expect(challenges[0]).toMatchObject({
      model: 'pkce',
      key_hash_prefix: expect.stringMatching(/^[\w-]{8}$/),
    });
    expect(challenges[0].binding.code_challenge).toMatch(/^.{8}…$/);
    expect(res.text).not.toContain(code);
  });

  it('never lists whom a challenge is for: a passkey being added to an account shows no subject', async () => {
    const browser = request.agent(a.app.getHttpServer());
    await login(browser, '/account', 'user1', 'password1');
    const page = await browser.get('/account').expect(200);
    const csrf = /data-csrf-token="([^"]+)"/.exec(page.text)![1];
    await browser.post('/account/passkeys/options').send({ csrf_token: csrf }).expect(200);
    const res = await a.http().get('/challenge-models/live').expect(200);
    const bindings = (res.body.challenges as { binding: Record<string, string> }[]).map(
      (c) => c.binding,
    );
    expect(bindings).toContainEqual({ sub: 'hidden' });
    expect(res.text).not.toContain('user1');
  });

  it('lists a sign-in marker without the hash of the browser’s pre-login session', async () => {
    const away = await agentA.get(`${demoAuthorizePath('st-live')}&prompt=login`).expect(302);
    const res = await a.http().get('/challenge-models/live').expect(200);
    const [marker] = (res.body.challenges as { binding: Record<string, string> }[]).filter(
      (c) => c.binding.browser !== undefined,
    );
    expect(new URL(away.headers.location, 'http://x').pathname).toBe('/login');
    expect(marker).toMatchObject({
      model: 'pkce',
      binding: {
        client_id: 'demo-client',
        browser: 'page',
        request: expect.stringMatching(/^.{8}…$/),
      },
    });
  });
});

describe('GET /challenge-models with registration closed and metadata documents off', () => {
  it('says so in what MCP clients use', async () => {
    const t = await createTestApp({
      REGISTRATION_OPEN: 'false',
      REGISTRATION_INITIAL_ACCESS_TOKEN: 'i'.repeat(40),
      CLIENT_METADATA_DOCUMENTS: 'false',
      SIWE_CHAIN_IDS: '1,10',
      SIWE_RPC_URLS: '10=http://127.0.0.1:9/rpc',
    });
    try {
      const res = await t.http().get('/challenge-models/pkce').expect(200);
      const mcp = (res.body.used_by as ClientUse[]).find((use) => use.clients === 'MCP clients')!;
      expect(mcp.through).toEqual(
        expect.arrayContaining([
          'dynamic client registration (RFC 7591, POST /register): only with the initial access token',
          'client ID metadata documents (an https client_id): off',
        ]),
      );
      const siwe = await t.http().get('/challenge-models/siwe').expect(200);
      expect((siwe.body.used_by as ClientUse[])[0].through).toContain(
        'wallets on chains 1, 10; contract wallets (ERC-1271, ERC-6492) on chain 10',
      );
    } finally {
      await t.close();
    }
  });
});

describe('GET /challenge-models/live in production', () => {
  it('requires the admin token', async () => {
    const token = 'a'.repeat(40);
    const t = await createTestApp({
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
      ISSUER: 'https://auth.example.test',
      ADMIN_TOKEN: token,
      LOG_LEVEL: 'silent',
    });
    try {
      const denied = await t.http().get('/challenge-models/live').expect(401);
      expect(denied.body.error).toBe('invalid_token');
      await t.http().get('/challenge-models/live').set('Authorization', 'Bearer wrong').expect(401);
      await t
        .http()
        .get('/challenge-models/live')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
    } finally {
      await t.close();
    }
  });
});
