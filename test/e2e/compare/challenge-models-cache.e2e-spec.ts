/**
 * Issue #31, item 4: GET /challenge-models, /challenge-models/:id and /challenge-models/series
 * are open to anyone, and each answer costs milliseconds of CPU and a database read. The computed
 * answer is served again for ANSWER_MAX_AGE_MS (5 s, on the service's clock): repeated and
 * concurrent calls within it do the work once, and the figures are correct to within that age.
 */
import request from 'supertest';
import { ANSWER_MAX_AGE_MS } from '../../../src/compare/answer-cache';
import { ChallengeFigures } from '../../../src/compare/challenge-figures.service';
import { LOGIN_MODEL_PROOFS, POSSESSION_MODEL_PROOFS } from '../../../src/proof-registry';
import { ChallengeFiguresRecorder } from '../../../src/compare/figures/challenge-figures.recorder';
import { exchangeCode, login, obtainCode } from '../../support/oauth';
import { useTestApp } from '../../support/use-test-app';

/** Login models and proofs of possession: the figures an overview computes. */
const MODELS_IN_OVERVIEW = LOGIN_MODEL_PROOFS.length + POSSESSION_MODEL_PROOFS.length;

describe('the comparison’s answers are computed at most once per ANSWER_MAX_AGE_MS', () => {
  const t = useTestApp({}, [], { cachedAnswers: true });
  afterEach(() => jest.restoreAllMocks());

  const overview = async () =>
    (await t.http().get('/challenge-models').set('Accept', 'application/json').expect(200))
      .body as {
      generated_at: string;
      models: { id: string; figures: { since_start: { issued: number } } }[];
    };

  const issuedPkce = (body: Awaited<ReturnType<typeof overview>>) =>
    body.models.find((m) => m.id === 'pkce')!.figures.since_start.issued;

  it('GET /challenge-models: repeated and concurrent calls within the age compute once; after it, afresh', async () => {
    const figures = jest.spyOn(t.app.get(ChallengeFigures), 'of');
    const first = await overview();
    const again = await Promise.all([overview(), overview(), overview(), overview()]);
    expect(figures).toHaveBeenCalledTimes(MODELS_IN_OVERVIEW);
    for (const body of again) expect(body).toEqual(first);

    // Traffic within the age is not seen yet: the answer is at most ANSWER_MAX_AGE_MS old.
    const agent = request.agent(t.app.getHttpServer());
    await login(agent);
    const { code, verifier } = await obtainCode(agent);
    await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    expect(issuedPkce(await overview())).toBe(issuedPkce(first));
    expect(figures).toHaveBeenCalledTimes(MODELS_IN_OVERVIEW);

    t.clock.advance(ANSWER_MAX_AGE_MS / 1000);
    const fresh = await overview();
    expect(figures).toHaveBeenCalledTimes(2 * MODELS_IN_OVERVIEW);
    expect(issuedPkce(fresh)).toBe(issuedPkce(first) + 1);
    expect(fresh.generated_at).not.toBe(first.generated_at);
  });

  it('GET /challenge-models/:id: once per model within the age', async () => {
    const figures = jest.spyOn(t.app.get(ChallengeFigures), 'of');
    for (let i = 0; i < 3; i++) {
      await t.http().get('/challenge-models/siwe').expect(200);
      await t.http().get('/challenge-models/passkey').expect(200);
    }
    expect(figures.mock.calls.map(([model]) => model)).toEqual(['siwe', 'passkey']);
  });

  it('GET /challenge-models/series: one read per length within the age', async () => {
    const reads = jest.spyOn(t.app.get(ChallengeFiguresRecorder).minutesModel, 'find');
    const series = (minutes: number) =>
      t.http().get(`/challenge-models/series?minutes=${minutes}`).expect(200);
    const first = (await series(10)).body as { generated_at: string };
    await Promise.all([series(10), series(10), series(10)]);
    const again = (await series(10)).body as { generated_at: string };
    expect(reads).toHaveBeenCalledTimes(1);
    expect(again.generated_at).toBe(first.generated_at);
    await series(20);
    expect(reads).toHaveBeenCalledTimes(2);

    t.clock.advance(ANSWER_MAX_AGE_MS / 1000);
    await series(10);
    expect(reads).toHaveBeenCalledTimes(3);
  });
});
