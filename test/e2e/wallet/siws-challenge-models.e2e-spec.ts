/**
 * Sign In With Solana as the fourth challenge model (issue #21): GET /challenge-models describes
 * `siws` with its live policy, and its figures, per-minute series, live challenges and /metrics
 * move with real nonces issued, redeemed and replayed.
 */
import { ChallengeFiguresRecorder } from '../../../src/compare/figures/challenge-figures.recorder';
import { sample } from '../../support/metrics';
import { newSolanaWallet } from '../../support/solana';
import { useTestApp } from '../../support/use-test-app';

interface Figures {
  issued: number;
  redeemed: number;
  rejected: { total: number; by_reason: Record<string, number> };
}

describe('GET /challenge-models: the siws model', () => {
  const wallet = newSolanaWallet();
  const { address } = wallet;
  const sign = (message: string) => wallet.signText(message);

  const t = useTestApp({ WALLET_NONCE_TTL_SECONDS: '120', SIWS_CHAINS: 'solana:devnet' });

  const nonce = async () =>
    (await t.http().post('/wallet/nonce').send({ address, chainId: 'solana:devnet' }).expect(201))
      .body as { message: string };

  it('describes the protocol, what it stops and does not, and the live policy', async () => {
    const res = await t.http().get('/challenge-models/siws').expect(200);
    expect(res.body).toMatchObject({
      id: 'siws',
      protocol: {
        standard: expect.arrayContaining(['CAIP-122', 'RFC 8032 (Ed25519)']),
        cryptography: expect.stringMatching(/^Ed25519/),
        endpoints: ['POST /wallet/nonce', 'POST /wallet/verify'],
      },
      policy: {
        challenge_kind: 'siws_nonce',
        lifetime_seconds: 120,
        delete_on_use: true,
        bound_to: ['address', 'chain_id'],
        threats: {
          stops: expect.arrayContaining([
            'a nonce issued to one address used by another, or on another cluster (mainnet to devnet)',
          ]),
          does_not_stop: expect.arrayContaining([expect.stringMatching(/unlike ERC-1271/)]),
        },
      },
      used_by: [
        {
          clients: 'Solana dApps, directly',
          through: expect.arrayContaining(['clusters solana:devnet (SIWS_CHAINS)']),
        },
        { clients: 'OpenID Connect relying parties' },
      ],
    });
    const all = await t.http().get('/challenge-models').expect(200);
    expect((all.body.models as { id: string }[]).map((m) => m.id)).toContain('siws');
    const page = await t.http().get('/challenge-models').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Sign In With Solana');
  });

  it('counts issued, redeemed and replayed nonces in figures, series, live challenges and /metrics', async () => {
    const issued = await nonce();
    await nonce();
    const signature = sign(issued.message);
    const verify = () =>
      t.http().post('/wallet/verify').send({ message: issued.message, signature });
    expect((await verify()).status).toBe(200);
    expect((await verify()).body.error).toBe('nonce_already_used');
    await t.app.get(ChallengeFiguresRecorder).flush();

    const model = (await t.http().get('/challenge-models/siws').expect(200)).body as {
      figures: { live: number; since_start: Figures };
    };
    expect(model.figures.live).toBe(1);
    expect(model.figures.since_start).toMatchObject({
      issued: 2,
      redeemed: 1,
      rejected: { total: 1, by_reason: { replay: 1 } },
    });

    const series = (await t.http().get('/challenge-models/series?minutes=2').expect(200)).body as {
      models: { id: string; points: { issued: number; redeemed: number; rejected: number }[] }[];
    };
    const siws = series.models.find((m) => m.id === 'siws')!;
    expect(siws.points.reduce((n, p) => n + p.issued, 0)).toBe(2);
    expect(siws.points.reduce((n, p) => n + p.redeemed, 0)).toBe(1);
    expect(siws.points.reduce((n, p) => n + p.rejected, 0)).toBe(1);
    const siwe = series.models.find((m) => m.id === 'siwe')!;
    expect(siwe.points.reduce((n, p) => n + p.issued, 0)).toBe(0);

    const live = (await t.http().get('/challenge-models/live').expect(200)).body as {
      challenges: { model: string; binding: Record<string, string> }[];
    };
    expect(live.challenges.filter((c) => c.model === 'siws')).toEqual([
      expect.objectContaining({
        binding: {
          address,
          chain_id: 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1',
          // Whom it is for; the message's hash as a prefix only (#31).
          audience: 'client:wallet',
          purpose: 'login',
          message: expect.stringMatching(/^[A-Za-z0-9_-]{8}…$/),
        },
      }),
    ]);

    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(sample(metrics, 'proofgate_challenges_issued_total', { model: 'siws' })).toBe(2);
    expect(sample(metrics, 'proofgate_challenges_redeemed_total', { model: 'siws' })).toBe(1);
    expect(
      sample(metrics, 'proofgate_challenges_rejected_total', { model: 'siws', reason: 'replay' }),
    ).toBe(1);
    expect(sample(metrics, 'proofgate_grants_opened_total', { auth_method: 'siws' })).toBe(1);
    expect(sample(metrics, 'proofgate_wallet_verifications_total', { outcome: 'success' })).toBe(1);
    // SIWE's own nonce counter stays SIWE's.
    expect(sample(metrics, 'proofgate_wallet_nonces_issued_total')).toBe(0);
    expect(metrics).not.toContain(signature);
  });
});
