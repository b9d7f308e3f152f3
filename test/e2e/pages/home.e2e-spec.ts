/**
 * The landing page is where `npm start` sends a newcomer: it names every login model the service
 * runs and links only to things that exist on this instance.
 */
import { WALLET_PROOFS } from '../../../src/proof-registry';
import { TestApp, createTestApp } from '../../support/test-app';

describe('GET / (the landing page)', () => {
  let t: TestApp;
  let html: string;

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.http().get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    html = res.text;
  });

  afterAll(() => t.close());

  it('names every login model and the proofs of possession', () => {
    for (const heading of [
      'OAuth 2.1 + PKCE',
      'Sign in with a wallet',
      'Passkeys',
      'DPoP and PAR',
    ]) {
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    // Every chain's sign-in, named from the registry: a new chain needs no edit of the page.
    for (const proof of WALLET_PROOFS) expect(html).toContain(proof.label);
  });

  it('links only to pages and documents this instance serves', async () => {
    const links = [...new Set([...html.matchAll(/href="(\/[^"#]*)"/g)].map((m) => m[1]))];
    expect(links).toEqual(
      expect.arrayContaining([
        '/login',
        '/account',
        '/demo/wallet',
        '/lab',
        '/docs',
        '/metrics',
        '/challenge-models',
      ]),
    );
    const answers: Record<string, number> = {};
    for (const link of links) answers[link] = (await t.http().get(link)).status;
    // A page behind a login answers 303 to /login: it exists. A 404 is a dead link.
    expect(Object.entries(answers).filter(([, status]) => status === 404 || status >= 500)).toEqual(
      [],
    );
  });
});

describe('GET / in production, where the lab, /docs and /metrics are off by default', () => {
  let t: TestApp;
  let html: string;

  beforeAll(async () => {
    t = await createTestApp({
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
      ISSUER: 'https://auth.example.test',
      LOG_LEVEL: 'silent',
    });
    html = (await t.http().get('/').expect(200)).text;
  });

  afterAll(() => t.close());

  it('links none of them, in the page or its header, and no link is dead', async () => {
    const links = [...new Set([...html.matchAll(/href="(\/[^"#]*)"/g)].map((m) => m[1]))];
    for (const off of ['/lab', '/docs', '/metrics']) {
      expect({ off, linked: links.includes(off) }).toEqual({ off, linked: false });
      await t.http().get(off).expect(404);
    }
    expect(links).toEqual(expect.arrayContaining(['/login', '/challenge-models', '/health']));
    const answers: Record<string, number> = {};
    for (const link of links) answers[link] = (await t.http().get(link)).status;
    expect(Object.entries(answers).filter(([, status]) => status === 404 || status >= 500)).toEqual(
      [],
    );
  });
});
