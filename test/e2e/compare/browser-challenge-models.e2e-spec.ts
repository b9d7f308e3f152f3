import request from 'supertest';
import { POLL_MS } from '../../../src/compare/challenge-models.page';
import { LOGIN_MODEL_PROOFS } from '../../../src/proof-registry';
import { launchBrowser, screenshot, until } from '../../support/browser';
import { exchangeCode, login, obtainCode, pushAuthorizationRequest } from '../../support/oauth';
import { TestApp, startListeningApp } from '../../support/test-app';

describe('GET /challenge-models in a browser', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    ({ t, issuer: base } = await startListeningApp());
  });
  afterAll(() => t.close());

  it('fits a 1,280 px window: the table of every model needs no sideways scrolling', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${base}/challenge-models`);
      type Box = { scrollWidth: number; getBoundingClientRect(): { right: number } };
      const widths = {
        window: page.viewportSize()!.width,
        page: await page.$eval('html', (html: Box) => html.scrollWidth),
        table: await page.$eval('table.compare', (table: Box) =>
          Math.ceil(table.getBoundingClientRect().right),
        ),
      };
      await screenshot(page, 'challenge-models-1280');
      expect(widths.page).toBeLessThanOrEqual(widths.window);
      expect(widths.table).toBeLessThanOrEqual(widths.window);
    } finally {
      await browser.close();
    }
  });

  it('shows both models side by side, and charts that follow a code issued and redeemed', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      // The page's own timers on a clock the test moves (Playwright's page clock): its next poll
      // comes when the test moves the clock 5 s on, not after 5 s of waiting.
      await page.clock.install();
      const response = await page.goto(`${base}/challenge-models`);
      expect(response?.headers()['content-type']).toMatch(/^text\/html/);

      expect(await page.textContent('h1')).toBe('Challenge models side by side');
      type Text = { textContent: string | null };
      const columns = await page.$$eval('table.compare thead th', (cells: Text[]) =>
        cells.map((c) => c.textContent),
      );
      expect(columns).toEqual([
        'Aspect',
        'OAuth 2.1 + PKCE',
        'Sign-In with Ethereum',
        'Passkeys (WebAuthn)',
        // The passkey's variant, beside it (no figures of its own).
        'Hardware-bound passkeys (verified attestation)',
        'Sign In With Solana',
        'Sign in with Bitcoin',
        'Device authorization (RFC 8628)',
        'Email codes',
        'Upstream identity providers (OpenID Connect, OAuth 2.0)',
        'Identity wallets (OpenID4VP 1.0, SD-JWT VC)',
        'Backchannel authentication (OpenID CIBA)',
      ]);
      const rowHeaders = await page.$$eval('table.compare tbody th[scope="row"]', (cells: Text[]) =>
        cells.map((c) => c.textContent),
      );
      expect(rowHeaders).toEqual(
        expect.arrayContaining([
          'Stops',
          'Does not stop',
          'Lifetime',
          'Used by',
          'Sign-ins achieve',
          'This deployment',
        ]),
      );

      // The first poll draws every chart, each an SVG image with a text alternative.
      await page.waitForSelector('#updated[data-at]');
      type Figure = {
        getAttribute: (name: string) => string | null;
        querySelector: (selector: string) => Figure | null;
      };
      const charts = await page.$$eval('figure.chart', (figures: Figure[]) =>
        figures.map((f) => ({
          metric: f.getAttribute('data-metric'),
          label: f.querySelector('svg[role="img"]')?.getAttribute('aria-label') ?? null,
        })),
      );
      expect(charts.map((c) => c.metric)).toEqual([
        'issued',
        'redeemed',
        'expired',
        'rejected',
        'latency',
      ]);
      for (const chart of charts) expect(chart.label).toMatch(/PKCE: .*SIWE: .*SIWS: /);
      const total = (metric: string) =>
        page.getAttribute(`figure[data-metric="${metric}"]`, 'data-pkce-total');
      expect(await total('issued')).toBe('0');
      expect(await total('redeemed')).toBe('0');
      await screenshot(page, 'challenge-models-page');

      // A code issued and redeemed through the real flow, outside the page.
      const agent = request.agent(t.app.getHttpServer());
      await login(agent);
      const { code, verifier } = await obtainCode(agent);
      await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);

      // The page polls every 5 s and redraws. (Polled from here: the page's CSP forbids the
      // string evaluation a waitForFunction expression would need.)
      await page.clock.fastForward(POLL_MS);
      await until(async () => (await total('redeemed')) === '1', 20_000);
      expect(await total('issued')).toBe('1');
      expect(await page.getAttribute('figure[data-metric="issued"] svg', 'aria-label')).toMatch(
        /^PKCE: 1 issued in the last 60 minutes/,
      );
      expect(await page.$$('figure[data-metric="issued"] svg .line-pkce')).not.toHaveLength(0);
      // Each model's colour is its descriptor's, on the lines and in the key alike.
      for (const model of LOGIN_MODEL_PROOFS) {
        const colour = model.comparison.chartColour;
        expect(await page.getAttribute(`.key-${model.id} .swatch rect`, 'fill')).toBe(colour);
        const drawn = await page.$$eval(
          `figure[data-metric="issued"] svg path.line-${model.id}`,
          (paths: { getAttribute(name: string): string | null }[]) =>
            paths.map((path) => path.getAttribute('stroke')),
        );
        expect(drawn).toEqual([colour]);
      }
      expect(
        await page.textContent('td[data-model="pkce"][data-figure="since_start.redeemed"]'),
      ).toBe('1');
      expect(await page.getAttribute('figure[data-metric="latency"] svg', 'aria-label')).toMatch(
        /PKCE: latest minute with redemptions p50 ≤ \d+ ms/,
      );
      // A pushed authorization request (RFC 9126): the DPoP and PAR section redraws too.
      await pushAuthorizationRequest(t);
      await page.clock.fastForward(POLL_MS);
      const pushed = 'td[data-model="par"][data-figure="since_start.issued"]';
      await until(async () => (await page.textContent(pushed)) === '1', 20_000);
      expect(await page.textContent('td[data-model="par"][data-figure="live"]')).toBe('1');
      expect(await page.getAttribute('figure[data-chart="accepted"] svg', 'aria-label')).toMatch(
        /DPoP: 0 proofs accepted .*PAR: 1 request_uris pushed .*PAR: 0 request_uris used/,
      );
      expect(await page.$$('figure[data-chart="accepted"] svg .line-par')).not.toHaveLength(0);
      await screenshot(page, 'challenge-models-after-redemption');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
