/**
 * An address nothing answers: a browser (GET, HTML preferred) reads a small page with the way
 * home; an API client keeps the `{ error, error_description }` envelope, whatever else it sends.
 */
import { TestApp, createTestApp } from '../../support/test-app';

/** What Chromium and Firefox send when the user follows a link. */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('an unknown path', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers a browser with a 404 page that names the path (never the query) and links home', async () => {
    const res = await t
      .http()
      .get('/no/such/page?code=secret-code')
      .set('Accept', BROWSER_ACCEPT)
      .expect(404);

    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.text).toMatch(/^<!DOCTYPE html>/);
    expect(res.text).toContain('<title>Not found · Proofgate</title>');
    expect(res.text).toContain('There is no page at <code>/no/such/page</code> on this instance.');
    expect(res.text).toContain('<a href="/">Proofgate home</a>');
    expect(res.text).not.toContain('secret-code');
  });

  it('escapes the path it names', async () => {
    // `<` and `"` reach the service percent-encoded; `&` and `'` as they are.
    const res = await t.http().get("/a&b'c%3Cscript%3E").set('Accept', 'text/html').expect(404);
    expect(res.text).toContain('<code>/a&amp;b&#39;c%3Cscript%3E</code>');
  });

  it.each([
    ['no Accept header', undefined],
    ['Accept: */*', '*/*'],
    ['Accept: application/json', 'application/json'],
    ['JSON preferred to HTML', 'application/json, text/html;q=0.5'],
  ])('keeps the JSON envelope for an API client (%s)', async (_, accept) => {
    const req = t.http().get('/no/such/page');
    if (accept) req.set('Accept', accept);
    const res = await req.expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      error: 'not_found',
      error_description: 'No route for GET /no/such/page',
    });
  });

  it('keeps the JSON envelope for a POST, whatever it accepts', async () => {
    const res = await t.http().post('/no/such/page').set('Accept', BROWSER_ACCEPT).expect(404);
    expect(res.body).toEqual({
      error: 'not_found',
      error_description: 'No route for POST /no/such/page',
    });
  });
});

describe('a page this instance turns off (the lab, in production)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
      ISSUER: 'https://auth.example.test',
      LOG_LEVEL: 'silent',
    });
  });
  afterAll(() => t.close());

  it('answers a browser the same page, an API client the envelope', async () => {
    const page = await t.http().get('/lab').set('Accept', BROWSER_ACCEPT).expect(404);
    expect(page.text).toContain('There is no page at <code>/lab</code> on this instance.');
    const api = await t.http().get('/lab').expect(404);
    expect(api.body).toEqual({
      error: 'not_found',
      error_description: 'The lab is disabled on this instance',
    });
  });
});
