/**
 * Starting a lab run changes state (it sends attack traffic and holds the instance's one run
 * slot for as long as the challenge lifetimes), so it is a CSRF-protected POST, never a GET a
 * cross-site <img> could trigger. The rows stream back as NDJSON; a client that goes away stops
 * its run and frees the slot.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { waitFor } from '../../support/processes';
import { TestApp, startListeningApp } from '../../support/test-app';

interface LabPage {
  cookies: string;
  token: string;
}

interface Started {
  request: ClientRequest;
  response: IncomingMessage;
  /** Every complete NDJSON line received so far. */
  lines: string[];
  /** Everything received so far. */
  text: () => string;
  ended: Promise<void>;
}

describe('POST /lab/run', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    ({ t, issuer: base } = await startListeningApp((issuer) => ({
      SIWE_URI: issuer,
      AUTH_CODE_TTL_SECONDS: '2',
      WALLET_NONCE_TTL_SECONDS: '2',
      PAR_REQUEST_URI_TTL_SECONDS: '5',
      ACCOUNT_RECENT_LOGIN_SECONDS: '5',
      RATE_LIMIT_LOGIN_PER_IP: '100000',
      RATE_LIMIT_WALLET_PER_IP: '100000',
      RATE_LIMIT_WALLET_PER_ADDRESS: '100000',
    })));
  });
  afterAll(() => t.close());

  /** Every run this spec started; any still streaming when a test ends is cut off. */
  const opened: ClientRequest[] = [];
  afterEach(() => {
    for (const request of opened.splice(0)) request.destroy();
  });

  /** The lab page as a browser gets it: its CSRF cookies and the token the page carries. */
  async function labPage(): Promise<LabPage> {
    const res = await fetch(`${base}/lab`);
    expect(res.status).toBe(200);
    const cookies = res.headers
      .getSetCookie()
      .map((line) => line.split(';', 1)[0])
      .join('; ');
    const token = /data-csrf-token="([^"]+)"/.exec(await res.text())?.[1];
    if (!token) throw new Error('no CSRF token on the lab page');
    return { cookies, token };
  }

  /** POSTs /lab/run and resolves once the response headers are in; the body keeps streaming. */
  function start(page: LabPage): Promise<Started> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${base}/lab/run`, {
        method: 'POST',
        headers: { cookie: page.cookies, 'x-csrf-token': page.token },
        agent: false,
      });
      opened.push(request);
      request.once('error', reject);
      request.once('response', (response) => {
        const lines: string[] = [];
        let buffered = '';
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          buffered += chunk;
          const parts = buffered.split('\n');
          buffered = parts.pop() ?? '';
          lines.push(...parts.filter(Boolean));
        });
        const ended = new Promise<void>((done) => {
          response.once('end', done);
          response.once('close', done);
        });
        resolve({ request, response, lines, text: () => text, ended });
      });
      request.end();
    });
  }

  /** The body of a start that was answered at once (an error). */
  async function bodyOf(started: Started): Promise<unknown> {
    await started.ended;
    return JSON.parse(started.text()) as unknown;
  }

  it('is no longer served as GET', async () => {
    const res = await fetch(`${base}/lab/run`);
    expect([404, 405]).toContain(res.status);
    expect(await res.json()).toMatchObject({ error: expect.any(String) as string });
  });

  it('refuses a POST without the page’s CSRF token, and with a token but no cookies', async () => {
    const page = await labPage();

    const bare = await fetch(`${base}/lab/run`, { method: 'POST' });
    const tokenOnly = await fetch(`${base}/lab/run`, {
      method: 'POST',
      headers: { 'x-csrf-token': page.token },
    });
    const cookiesOnly = await fetch(`${base}/lab/run`, {
      method: 'POST',
      headers: { cookie: page.cookies },
    });

    for (const res of [bare, tokenOnly, cookiesOnly]) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: 'invalid_request',
        error_description: expect.stringMatching(/security (token|cookie)/) as string,
      });
    }
  });

  it('answers a concurrent start with 409, and frees the run when its client goes away', async () => {
    const page = await labPage();

    const first = await start(page);
    expect(first.response.statusCode).toBe(200);
    expect(first.response.headers['content-type']).toMatch(/^application\/x-ndjson/);

    const second = await start(page);
    expect(second.response.statusCode).toBe(409);
    expect(await bodyOf(second)).toEqual({
      error: 'conflict',
      error_description:
        'A lab run is already in progress on this instance; wait for it to finish, then start again',
    });

    // The first client goes away: its run stops and the slot is free again right after.
    first.request.destroy();
    let third: Started | undefined;
    const deadline = Date.now() + 3000;
    while (!third) {
      const attempt = await start(page);
      if (attempt.response.statusCode === 200) third = attempt;
      else {
        expect(attempt.response.statusCode).toBe(409);
        await attempt.ended;
        if (Date.now() > deadline) throw new Error('the lab run slot was not freed');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    // The new run streams its rows (a whole run to its verdict is browser-lab.e2e-spec.ts's).
    const firstRow = await waitFor(
      () => Promise.resolve(third.lines.map((line) => JSON.parse(line) as { event: string })),
      (events) => events.some((e) => e.event === 'row'),
      60_000,
    );
    expect(firstRow.filter((e) => e.event === 'row').length).toBeGreaterThan(0);
    // Any failing row, named (a bare `passed: false` says nothing).
    expect(firstRow.filter((e) => JSON.stringify(e).includes('"passed":false'))).toEqual([]);
  });
});
