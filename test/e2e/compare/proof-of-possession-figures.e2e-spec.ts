/**
 * `/challenge-models` gains a section of its own for the two proofs of possession: their shape,
 * what they keep in the challenge store and cost, this deployment's settings, and live figures
 * fed by the same events as the login models' (accepted proofs, refusals by reason, request_uris).
 */
import request from 'supertest';
import {
  DEMO_CLIENT,
  DEMO_SPA,
  login,
  pushAuthorizationRequest,
  type Agent,
} from '../../support/oauth';
import { dpopKey, exchangeWithProof, signProof } from '../../support/dpop';
import { ipIssuer } from '../../support/ip-issuer';
import { useTestApp } from '../../support/use-test-app';

describe('/challenge-models: DPoP and PAR beside the login models', () => {
  let agent: Agent;
  const issuer = 'http://127.0.0.1:25993';

  const t = useTestApp({ ...ipIssuer(issuer), FIGURES_FLUSH_MS: '100' });
  beforeAll(async () => {
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });

  const exchange = (proof: string) => exchangeWithProof(t, agent, proof);

  it('describes both, separately from the login models', async () => {
    const res = await t.http().get('/challenge-models').expect(200);
    const models = res.body.models as { id: string }[];
    expect(models.map((m) => m.id)).toEqual([
      'pkce',
      'siwe',
      'passkey',
      'siws',
      'siwb',
      'device',
      'email',
    ]);
    const [dpop, par] = res.body.proof_of_possession;
    expect(dpop).toMatchObject({
      id: 'dpop',
      store: { challenge_kind: 'dpop_jti', lifetime_seconds: 70 },
    });
    expect(dpop.store.settings.nonce).toContain('DPOP_REQUIRE_NONCE=false');
    expect(dpop.threats.stops).toContain(
      'a proof replayed: its jti is recorded once for the whole fleet',
    );
    expect(par).toMatchObject({
      id: 'par',
      store: { challenge_kind: 'par_request_uri', lifetime_seconds: 60 },
    });
  });

  const push = () => pushAuthorizationRequest(t);
  const use = (requestUri: string, clientId = DEMO_SPA.id) =>
    agent
      .get(
        `/authorize?${new URLSearchParams({ client_id: clientId, request_uri: requestUri }).toString()}`,
      )
      .set('Accept', 'application/json');

  it('counts proofs and request_uris as real traffic moves them: JSON, series and page agree', async () => {
    const key = await dpopKey();
    // DPoP: two proofs accepted (a code exchange and an /api/me call), a replay, a proof for
    // another URL and one for another method refused.
    const proof = await signProof(key, { htu: `${issuer}/token` });
    const tokens = await exchange(proof);
    expect(tokens.status).toBe(200);
    const accessToken = tokens.body.access_token as string;
    expect((await exchange(proof)).body.error).toBe('invalid_dpop_proof');
    expect((await exchange(await signProof(key, { htu: `${issuer}/x` }))).status).toBe(400);
    expect(
      (await exchange(await signProof(key, { htm: 'GET', htu: `${issuer}/token` }))).status,
    ).toBe(400);
    const meProof = await signProof(key, { htm: 'GET', htu: `${issuer}/api/me`, accessToken });
    await t
      .http()
      .get('/api/me')
      .set('Authorization', `DPoP ${accessToken}`)
      .set('DPoP', meProof)
      .expect(200);

    // PAR: three pushed; one used, then reused; one used by another client; one left to expire.
    const used = await push();
    const foreign = await push();
    const expiring = await push();
    expect((await use(used)).status).toBe(302);
    expect((await use(used)).body.error_description).toBe('request_uri was already used');
    expect((await use(foreign, DEMO_CLIENT.id)).body.error_description).toBe(
      'request_uri was pushed by another client',
    );

    const before = (await t.http().get('/challenge-models').expect(200)).body;
    const [dpop, par] = before.proof_of_possession;
    expect(dpop.figures.since_start).toMatchObject({
      issued: 2,
      redeemed: 2,
      rejected: { total: 3, by_reason: { htm_mismatch: 1, htu_mismatch: 1, replay: 1 } },
    });
    expect(dpop.figures.last_5_minutes).toMatchObject({ issued: 2, rejected: { total: 3 } });
    expect(par.figures.since_start).toMatchObject({
      issued: 3,
      redeemed: 1,
      expired_unredeemed: 0,
      rejected: { total: 2, by_reason: { client_mismatch: 1, replay: 1 } },
    });
    expect(par.figures.live).toBe(2);

    // The charts' per-minute series hold the same counts: summed over the minutes, since the
    // traffic above may straddle a minute's turn.
    type Series = { id: string; points: Record<string, number>[] }[];
    const series = (await t.http().get('/challenge-models/series?minutes=5').expect(200)).body as {
      models: Series;
      proof_of_possession: Series;
    };
    expect(series.models.map((m) => m.id)).toEqual([
      'pkce',
      'siwe',
      'passkey',
      'siws',
      'siwb',
      'device',
      'email',
    ]);
    const summed = (points: Record<string, number>[]) =>
      Object.fromEntries(
        ['issued', 'redeemed', 'rejected'].map((figure) => [
          figure,
          points.reduce((total, point) => total + point[figure], 0),
        ]),
      );
    const totals = Object.fromEntries(
      series.proof_of_possession.map((m) => [m.id, summed(m.points)]),
    );
    expect(totals.dpop).toEqual({ issued: 2, redeemed: 2, rejected: 3 });
    expect(totals.par).toEqual({ issued: 3, redeemed: 1, rejected: 2 });

    // The page shows the same figures, each cell naming what /static/challenge-models.js refreshes.
    const page = await t.http().get('/challenge-models').set('Accept', 'text/html').expect(200);
    const cell = (model: string, figure: string) =>
      new RegExp(`<td[^>]* data-model="${model}" data-figure="${figure}">([^<]*)</td>`).exec(
        page.text,
      )?.[1];
    expect(cell('dpop', 'since_start.issued')).toBe('2');
    expect(cell('dpop', 'since_start.rejected.by_reason')).toBe(
      'htm_mismatch 1, htu_mismatch 1, replay 1',
    );
    expect(cell('par', 'live')).toBe('2');
    expect(cell('par', 'since_start.redeemed')).toBe('1');
    expect(cell('par', 'since_start.rejected.by_reason')).toBe('client_mismatch 1, replay 1');

    // The request nobody used expires: counted as such, and refused once presented.
    t.clock.advance(61);
    expect((await use(expiring)).body.error_description).toBe('request_uri expired');
    const after = (await t.http().get('/challenge-models').expect(200)).body;
    expect(after.proof_of_possession[1].figures).toMatchObject({
      live: 0,
      since_start: {
        issued: 3,
        redeemed: 1,
        expired_unredeemed: 2,
        rejected: { total: 3, by_reason: { client_mismatch: 1, expired: 1, replay: 1 } },
      },
    });
  });

  it('shows DPoP and PAR in a section of their own on the page', async () => {
    const page = await t.http().get('/challenge-models').set('Accept', 'text/html').expect(200);
    const section = page.text.slice(page.text.indexOf('<section id="proof-of-possession"'));
    expect(section).toContain(
      '<h2 id="possession-heading">Proofs of possession: DPoP and PAR</h2>',
    );
    expect(section).toContain(
      '<th scope="col">DPoP (RFC 9449)</th><th scope="col">PAR (RFC 9126)</th>',
    );
    // What DPoP binds, what its store costs, what PAR stops.
    expect(section).toContain('<code>cnf.jkt (the key thumbprint)</code>');
    expect(section).toContain('<th scope="row">Database cost per request</th>');
    expect(section).toContain('one insert per proof (a duplicate key is a replay)');
    expect(section).toContain('DPOP_REQUIRE_NONCE=false');
    expect(section).toContain(
      '<li>leakage of the parameters through URLs: history, logs, Referer</li>',
    );
    expect(section).toContain('data-lines="dpop:issued,par:issued:dashed,par:redeemed"');
  });

  it('counts client secrets as clients present them: accepted, and refused by reason', async () => {
    interface Counts {
      issued: number;
      redeemed: number;
      expired_unredeemed: number;
      rejected: { by_reason: Record<string, number> };
    }
    interface Model {
      id: string;
      threats: { does_not_stop: string[] };
      figures: { live: number; since_start: Counts };
    }
    const figures = async () => {
      const { body } = await t.http().get('/challenge-models').expect(200);
      return (body.proof_of_possession as Model[]).find((model) => model.id === 'client_secret')!;
    };
    const before = await figures();
    expect(before).toMatchObject({
      id: 'client_secret',
      store: { challenge_kind: 'client_secret', lifetime_seconds: 0 },
    });
    expect(before.threats.does_not_stop).toContain(
      'a request made for another server: nothing binds the secret to an audience',
    );
    const basic = (secret: string) =>
      `Basic ${Buffer.from(`${DEMO_CLIENT.id}:${secret}`).toString('base64')}`;
    const introspect = (secret: string, status: number) =>
      t
        .http()
        .post('/introspect')
        .set('Authorization', basic(secret))
        .type('form')
        .send({ token: 'not-a-token' })
        .expect(status);
    await introspect(DEMO_CLIENT.secret, 200);
    await introspect(DEMO_CLIENT.secret, 200);
    await introspect('wrong-secret', 401);

    const after = await figures();
    const { since_start: was } = before.figures;
    const { since_start: now } = after.figures;
    expect(now.issued - was.issued).toBe(2);
    expect(now.redeemed - was.redeemed).toBe(2);
    expect(now.expired_unredeemed).toBe(0);
    expect(now.rejected.by_reason.wrong_secret - (was.rejected.by_reason.wrong_secret ?? 0)).toBe(
      1,
    );
    expect(after.figures.live).toBe(0);
  });
});
