import request from 'supertest';
import { Agent, exchangeCode, login, obtainCode } from '../../support/oauth';
import { LOGIN_MODEL_IDS } from '../../support/challenge-models';
import { useTestApp } from '../../support/use-test-app';
import { assetUrl } from '../../../src/platform/http/static-files';

interface Point {
  minute: string;
  issued: number;
  redeemed: number;
  expired: number;
  rejected: number;
  redemption_latency_ms: { p50: number | null; p95: number | null };
}
interface Series {
  generated_at: string;
  minutes: number;
  models: { id: string; points: Point[] }[];
}

describe('GET /challenge-models/series and the HTML form of GET /challenge-models', () => {
  let agent: Agent;

  const t = useTestApp({ AUTH_CODE_TTL_SECONDS: '30' });
  beforeAll(async () => {
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });

  const series = async (minutes?: number) =>
    (
      await t
        .http()
        .get(`/challenge-models/series${minutes ? `?minutes=${minutes}` : ''}`)
        .expect(200)
    ).body as Series;

  it('answers one point per minute for both models, oldest first, the current minute last', async () => {
    const body = await series(10);
    expect(body.minutes).toBe(10);
    expect(body.models.map((m) => m.id)).toEqual(LOGIN_MODEL_IDS);
    const now = Date.parse(body.generated_at);
    for (const { points } of body.models) {
      expect(points).toHaveLength(10);
      expect(Date.parse(points[9].minute)).toBe(Math.floor(now / 60_000) * 60_000);
      expect(Date.parse(points[9].minute) - Date.parse(points[0].minute)).toBe(9 * 60_000);
    }
    expect((await series()).models[0].points).toHaveLength(60);
  });

  it('counts issued, redeemed, rejected and expired in the minute they happened', async () => {
    const before = t.clock.now().getTime();
    const redeemed = await obtainCode(agent);
    await exchangeCode(t.app.getHttpServer(), redeemed.code, redeemed.verifier).expect(200);
    await exchangeCode(t.app.getHttpServer(), redeemed.code, redeemed.verifier).expect(400);
    await obtainCode(agent);

    const now = (await series(5)).models[0].points[4];
    expect(now).toMatchObject({ issued: 2, redeemed: 1, rejected: 1, expired: 0 });
    expect(now.redemption_latency_ms.p50).toEqual(expect.any(Number));
    expect((await series(5)).models[1].points[4]).toMatchObject({ issued: 0, redeemed: 0 });

    // The unredeemed code expires 30 s after issue, in the minute that holds that second.
    t.clock.advance(90);
    const points = (await series(5)).models[0].points;
    expect(points.reduce((n, p) => n + p.expired, 0)).toBe(1);
    const minuteOfExpiry = Date.parse(points.find((p) => p.expired === 1)!.minute);
    const floor = (ms: number) => Math.floor(ms / 60_000) * 60_000;
    // Issued within a couple of seconds after `before`.
    expect([floor(before + 30_000), floor(before + 33_000)]).toContain(minuteOfExpiry);
  });

  it('refuses a window outside 1..180 minutes, and a repeated parameter', async () => {
    for (const query of ['minutes=0', 'minutes=181', 'minutes=abc', 'minutes=5&minutes=6']) {
      const res = await t.http().get(`/challenge-models/series?${query}`).expect(400);
      expect(res.body.error).toBe('invalid_request');
    }
  });

  it('answers JSON to API clients and to */*, HTML to a browser', async () => {
    const json = await t.http().get('/challenge-models').expect(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.headers.vary).toMatch(/Accept/i);
    const any = await t.http().get('/challenge-models').set('Accept', '*/*').expect(200);
    expect(any.headers['content-type']).toMatch(/^application\/json/);
    const explicit = await t
      .http()
      .get('/challenge-models')
      .set('Accept', 'application/json, text/html;q=0.5')
      .expect(200);
    expect(explicit.headers['content-type']).toMatch(/^application\/json/);

    const page = await t
      .http()
      .get('/challenge-models')
      .set('Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
      .expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<h1>Challenge models side by side</h1>');
    expect(page.text).toContain('<th scope="col">OAuth 2.1 + PKCE</th>');
    expect(page.text).toContain('<th scope="col">Sign-In with Ethereum</th>');
    expect(page.text).toContain('<th scope="row">Does not stop</th>');
    expect(page.text).toContain('code_verifier: 43-128 characters');
    expect(page.text).toContain(`src="${assetUrl('/static/challenge-models.js')}"`);
    // Scripts by src only; the one other script element is the page's texts, a JSON data block
    // (never run).
    expect(page.text).not.toMatch(
      /<script>|<script(?![^>]*\bsrc=)(?![^>]*\btype="application\/json")[^>]*>/,
    );
    expect(page.text).toContain('data-series-url="/challenge-models/series?minutes=60"');
  });

  it('serves the chart script from this origin', async () => {
    const res = await t.http().get('/static/challenge-models.js').expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    // The SVG namespace is a name, never fetched; no other URL may appear.
    expect(res.text.replaceAll("'http://www.w3.org/2000/svg'", '')).not.toMatch(/https?:\/\//);
  });
});
