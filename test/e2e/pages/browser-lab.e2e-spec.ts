import { launchBrowser, screenshot, until } from '../../support/browser';
import { TestApp, createTestApp, startListeningApp } from '../../support/test-app';
import { expectRefusal } from '../../support/refusal';

describe('GET /lab in a browser', () => {
  jest.setTimeout(600_000);
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    ({ t, issuer: base } = await startListeningApp({
      // Long enough that the run still has to wait once the other rows are done; the same for
      // both, so the code is not swept by the TTL index (then "Invalid", no longer "expired")
      // while the run waits for a later nonce.
      AUTH_CODE_TTL_SECONDS: '25',
      WALLET_NONCE_TTL_SECONDS: '25',
      PAR_REQUEST_URI_TTL_SECONDS: '25',
      ACCOUNT_RECENT_LOGIN_SECONDS: '25',
      REFRESH_TOKEN_GRACE_SECONDS: '1',
      SIWE_CHAIN_IDS: '1,10',
    }));
  });
  afterAll(() => t.close());

  it('runs every scenario against this instance, counts down the expiry wait, refuses a second run, and shows a fully passing table and the figures', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      await page.goto(`${base}/lab`);
      // Says up front how long a run takes: the expiry rows wait out the 25 s lifetimes.
      expect(await page.textContent('#duration')).toBe(
        'A run takes about 25 seconds: its expiry rows wait until a code, a nonce and a request_uri have expired, and a login is no longer recent.',
      );
      await page.click('#run');
      // The run holds this instance once its first row is streamed, and it holds it until the
      // expiry rows have waited out the 25 s lifetimes: a second page meanwhile is refused, and
      // says so plainly. (Asked now, not after the countdown, so a slow machine cannot let the
      // first run end first.)
      await page.waitForSelector('#rows tbody tr', { timeout: 90_000 });
      const other = await browser.newPage();
      await other.goto(`${base}/lab`);
      await other.click('#run');
      await other.waitForSelector('#status[data-done]');
      expect(await other.getAttribute('#status', 'data-done')).toBe('conflict');
      expect(await other.textContent('#status')).toBe(
        'Another lab run is already in progress on this instance. Wait for it to finish, then run the lab again.',
      );
      await screenshot(other, 'lab-conflict');
      await other.close();

      // The run announces its wait for the expiry challenges, and the page counts it down. The
      // wait is what is left of the 25 s lifetimes once every row before the expiry rows has run:
      // on a loaded machine those rows can take longer than that (CI runs with three builds beside
      // them did), and then nothing is left to wait for and the run ends without a countdown. So
      // the test takes whichever comes first, and checks the countdown whenever there is one.
      const waited = await Promise.race([
        page.waitForSelector('#status[data-waiting]', { timeout: 300_000 }).then(() => true),
        page.waitForSelector('#status[data-done]', { timeout: 300_000 }).then(() => false),
      ]);
      if (waited) {
        const first = await page.textContent('#status');
        expect(first).toMatch(
          /^Waiting \d+ s for the (code|nonce|request_uri|recent login) to expire…$/,
        );
        await screenshot(page, 'lab-countdown');
        const secondsOf = (text: string | null) => Number(/Waiting (\d+) s/.exec(text ?? '')?.[1]);
        // Counted down within a few seconds, unless the wait was at its last second when read
        // (on a busy machine the first reading can come late): then it has ended instead.
        await until(async () => {
          const waiting = (await page.getAttribute('#status', 'data-waiting')) !== null;
          return !waiting || secondsOf(await page.textContent('#status')) < secondsOf(first);
        }, 5_000);
      }

      await page.waitForSelector('#status[data-done]', { timeout: 300_000 });
      expect(await page.getAttribute('#status', 'data-waiting')).toBeNull();
      await screenshot(page, 'lab-page');

      expect(await page.getAttribute('#status', 'data-done')).toBe('passed');
      type Row = { children: ArrayLike<{ textContent: string | null }> };
      const results = await page.$$eval('#rows tbody tr', (rows: Row[]) =>
        rows.map((r) => [
          r.children[0].textContent,
          r.children[1].textContent,
          r.children[4].textContent,
        ]),
      );
      expect(results.length).toBeGreaterThanOrEqual(19);
      expect(results.filter(([, , result]) => result !== 'PASS')).toEqual([]);
      const scenarios = results.map(([model, scenario]) => `${model} ${scenario}`);
      expect(scenarios).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^PKCE .*wrong verifier/),
          expect.stringMatching(/^PKCE replayed code/),
          expect.stringMatching(/^SIWE .*replay/),
          expect.stringMatching(/^SIWE expired nonce/),
          'DPOP replayed proof',
          'DPOP bound token sent as a bearer token',
          'PAR request_uri used by another client',
          'PAR expired request_uri',
          expect.stringMatching(/^PASSKEY replayed assertion/),
          expect.stringMatching(/^PASSKEY registration without a fresh login/),
        ]),
      );
      // The figures are the table of /challenge-models, and agree with its JSON once refreshed.
      const { body } = await t.http().get('/challenge-models').set('Accept', 'application/json');
      const api = body as {
        models: Array<{ id: string; figures: { since_start: { redeemed: number } } }>;
      };
      for (const model of api.models) {
        const redeemed = model.figures.since_start.redeemed;
        // The lab signs in with a code and with a wallet of each chain.
        if (['pkce', 'siwe', 'siws', 'siwb', 'passkey'].includes(model.id)) {
          expect(redeemed).toBeGreaterThan(0);
        }
        const cell = `#live td[data-model="${model.id}"][data-figure="since_start.redeemed"]`;
        await until(async () => (await page.textContent(cell)) === String(redeemed), 10_000);
      }
      // And the DPoP and PAR figures, which the lab's own rows moved.
      const possession = (
        body as { proof_of_possession: Array<{ id: string; figures: { since_start: object } }> }
      ).proof_of_possession;
      for (const { id, figures } of possession) {
        const { issued } = figures.since_start as { issued: number };
        // The lab has rows of DPoP and PAR; private_key_jwt (a client's assertion) none yet.
        if (['dpop', 'par'].includes(id)) expect(issued).toBeGreaterThan(0);
        const cell = `#live td[data-model="${id}"][data-figure="since_start.issued"]`;
        await until(async () => (await page.textContent(cell)) === String(issued), 10_000);
      }
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('GET /lab with the default lifetimes', () => {
  it('says a run takes about 10 minutes (the recent-login window), and shows the figures of /challenge-models as a table', async () => {
    const t = await createTestApp();
    try {
      const res = await t.http().get('/lab').expect(200);
      expect(res.text).toContain(
        'A run takes about 10 minutes: its expiry rows wait until a code, a nonce and a request_uri have expired, and a login is no longer recent.',
      );
      for (const model of ['pkce', 'siwe', 'passkey']) {
        expect(res.text).toContain(
          `<td data-model="${model}" data-figure="since_start.redeemed">0</td>`,
        );
      }
      expect(res.text).not.toContain('<pre');
    } finally {
      await t.close();
    }
  });
});

describe('the lab in production', () => {
  it('is not served', async () => {
    const t = await createTestApp({
      NODE_ENV: 'production',
      KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
      ISSUER: 'https://auth.example.test',
    });
    try {
      const res = await t.http().get('/lab');
      expectRefusal(res, 404, 'not_found', 'The lab is disabled on this instance');
      await t.http().post('/lab/run').expect(404);
    } finally {
      await t.close();
    }
  });
});
