/**
 * The series the alert rules and dashboards of deploy/ read, as the running service exports
 * them: every model's proofs side by side, PKCE failures by client, rate-limit refusals by rule,
 * database reachability and the signing key's age.
 */
import { TestApp } from '../../support/test-app';
import {
  Agent,
  clientEntry,
  createLoggedInApp,
  exchangeCode,
  obtainCode,
} from '../../support/oauth';
import { sample } from '../../support/metrics';
import { SigningKeyService } from '../../../src/tokens/signing-keys/signing-key.service';
import { newSolanaWallet } from '../../support/solana';
import { signedSiwsMessage } from '../../support/wallet-login';
import { placeInWindow } from '../../support/rate-limit-window';

/** A confidential OpenID Connect client registered with require_pkce false. */
const NO_PKCE = {
  id: 'rp-no-pkce',
  secret: 'rp-no-pkce-secret',
  redirectUri: 'http://127.0.0.1:7310/callback',
};

describe('operations metrics', () => {
  let t: TestApp;
  let agent: Agent;
  const scrape = async () => (await t.http().get('/metrics').expect(200)).text;

  beforeAll(async () => {
    ({ t, agent } = await createLoggedInApp({
      RATE_LIMIT_METADATA_PER_IP: '2',
      OAUTH_CLIENTS: JSON.stringify([
        clientEntry(NO_PKCE, { first_party: true, require_pkce: false }),
      ]),
    }));
  });
  afterAll(() => t.close());

  it('exports every model from the start, so ratios exist before the first proof', async () => {
    const metrics = await scrape();
    for (const model of ['pkce', 'siwe', 'passkey', 'siws', 'siwb', 'device', 'email']) {
      expect(metrics).toContain(
        `proofgate_challenge_verifications_total{model="${model}",outcome="success"} 0`,
      );
      expect(metrics).toContain(`proofgate_challenges_issued_total{model="${model}"}`);
    }
  });

  it('counts a code exchange as the pkce model’s proof, with its latency, and a wrong verifier by client', async () => {
    const before = await scrape();
    const good = await obtainCode(agent);
    await exchangeCode(t.app.getHttpServer(), good.code, good.verifier).expect(200);
    const bad = await obtainCode(agent);
    await exchangeCode(
      t.app.getHttpServer(),
      bad.code,
      `${bad.verifier.slice(0, -1)}${bad.verifier.endsWith('A') ? 'B' : 'A'}`,
    ).expect(400);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    const pkce = { model: 'pkce' };
    expect(delta('proofgate_challenge_verifications_total', { ...pkce, outcome: 'success' })).toBe(
      1,
    );
    expect(
      delta('proofgate_challenge_verifications_total', { ...pkce, outcome: 'invalid_grant' }),
    ).toBe(1);
    expect(delta('proofgate_challenge_verification_duration_seconds_count', pkce)).toBe(2);
    expect(
      delta('proofgate_pkce_failures_total', { reason: 'wrong_verifier', client: 'demo-client' }),
    ).toBe(1);
  });

  it('counts a code issued with neither PKCE nor nonce by client, and not one with either', async () => {
    const series = 'proofgate_codes_without_pkce_or_nonce_total';
    const count = async (client: string) => sample(await scrape(), series, { client });
    const client = { client_id: NO_PKCE.id, redirect_uri: NO_PKCE.redirectUri, scope: 'openid' };
    const withoutPkce = { ...client, code_challenge: undefined, code_challenge_method: undefined };
    const before = await count(NO_PKCE.id);
    // The require_pkce false client with a nonce, then with PKCE: each protects its code.
    await obtainCode(agent, { ...withoutPkce, nonce: 'n-protected' });
    await obtainCode(agent, client);
    expect(await count(NO_PKCE.id)).toBe(before);
    // Neither: counted under the client's id, once per code.
    await obtainCode(agent, withoutPkce);
    await obtainCode(agent, withoutPkce);
    expect(await count(NO_PKCE.id)).toBe(before + 2);
    // Another client's codes, all with PKCE, are never counted.
    await obtainCode(agent);
    expect(await count('demo-client')).toBe(0);
  });

  it('counts a Sign In With Solana verification as the siws model’s proof, not siwe’s', async () => {
    const wallet = newSolanaWallet();
    const { message, signature } = await signedSiwsMessage(t, wallet);
    const before = await scrape();
    await t.http().post('/wallet/verify').send({ message, signature }).expect(200);
    const after = await scrape();
    const delta = (model: string) =>
      sample(after, 'proofgate_challenge_verifications_total', { model, outcome: 'success' }) -
      sample(before, 'proofgate_challenge_verifications_total', { model, outcome: 'success' });
    expect({ siws: delta('siws'), siwe: delta('siwe') }).toEqual({ siws: 1, siwe: 0 });
  });

  it('counts a 429 under the rule that refused it, never the key', async () => {
    // The limit counts per fixed minute: the three requests at the start of one, every key of
    // the JWKS installed before (its first request would generate the RS256 key, ~0.3 s and more).
    await t.app.get(SigningKeyService).publishedJwks();
    placeInWindow([t]);
    for (let i = 0; i < 2; i++) await t.http().get('/jwks.json').expect(200);
    await t.http().get('/jwks.json').expect(429);
    const metrics = await scrape();
    expect(sample(metrics, 'proofgate_rate_limited_total', { rule: 'metadata-ip' })).toBe(1);
    expect(metrics).not.toMatch(/proofgate_rate_limited_total\{[^}]*(127\.0\.0\.1|::1)/);
  });

  it('tells the database is up and when the signing key was created', async () => {
    const metrics = await scrape();
    expect(sample(metrics, 'proofgate_database_up')).toBe(1);
    const created = sample(metrics, 'proofgate_signing_key_created_timestamp_seconds');
    // The access tokens' key (TOKEN_SIGNING_ALG): another alg's rotates with it.
    const active = (await t.app.get(SigningKeyService).describeKeys()).find(
      (key) => key.state === 'active' && key.alg === t.config.tokens.signingAlg,
    );
    expect(created).toBe((active?.createdAt.getTime() ?? NaN) / 1000);
  });
});
