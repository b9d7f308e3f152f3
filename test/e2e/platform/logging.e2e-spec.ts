/**
 * What reaches the log over a real authorization: /login, /authorize (302 to the client's
 * callback with code and state) and /token. The log is read where an operator would read it, from
 * the destination stream, and must hold none of the secrets that flowed through those requests.
 */
import request from 'supertest';
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { CapturedLog } from '../../support/captured-log';
import { DEMO_CLIENT, basic, exchangeCode, obtainCode } from '../../support/oauth';
import { useTestApp } from '../../support/use-test-app';

interface RequestRecord {
  msg: string;
  req: { method: string; url: string; headers?: Record<string, unknown> };
  res: Record<string, unknown>;
}

type HttpResponse = Awaited<ReturnType<ReturnType<typeof request>['get']>>;

function cookieValue(res: HttpResponse, name: string): string {
  const header: unknown = res.headers['set-cookie'];
  const lines = Array.isArray(header) ? (header as string[]) : [];
  const line = lines.find((l) => l.startsWith(`${name}=`));
  const value = line ? /^[^=]+=([^;]*)/.exec(line)?.[1] : undefined;
  if (!value) throw new Error(`No ${name} cookie set`);
  return value;
}

describe('request logging', () => {
  const log = new CapturedLog();
  const t = useTestApp({ LOG_LEVEL: 'info' }, [[LogDestination, log]]);

  /** pino-http writes its line when the response finishes, which may be after supertest resolves. */
  async function requestRecord(method: string, path: string): Promise<RequestRecord> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const found = log
        .records()
        .find(
          (r): r is Record<string, unknown> & RequestRecord =>
            typeof r.req === 'object' &&
            (r.req as RequestRecord['req']).method === method &&
            (r.req as RequestRecord['req']).url.split('?')[0] === path &&
            typeof r.res === 'object',
        );
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`No request line for ${method} ${path}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('logs status and size of /authorize and /token, and no code, state, cookie or token', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get('/login').expect(200);
    const csrfCookies = (page.headers['set-cookie'] as unknown as string[]).map(
      (line) => /^[^=]+=([^;]*)/.exec(line)?.[1] ?? '',
    );
    const csrfToken = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const loggedIn = await agent
      .post('/login')
      .type('form')
      .send({ username: 'user0', password: 'password0', csrf_token: csrfToken, return_to: '/' })
      .expect(303);
    const session = cookieValue(loggedIn, 'pg_session');

    const { code, verifier, state } = await obtainCode(agent);
    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    const { access_token, refresh_token } = tokens.body as Record<string, string>;

    const authorize = await requestRecord('GET', '/authorize');
    const token = await requestRecord('POST', '/token');
    await requestRecord('POST', '/login');

    expect(authorize.res).toEqual({ statusCode: 302, contentLength: expect.any(Number) });
    expect(token.res).toEqual({ statusCode: 200, contentLength: expect.any(Number) });
    expect(authorize.req.url).toBe('/authorize?[redacted]');
    expect(token.req.url).toBe('/token');

    const secrets = {
      code,
      state,
      verifier,
      session,
      csrfToken,
      access_token,
      refresh_token,
      password: 'password0',
      client_secret: DEMO_CLIENT.secret,
      basic: basic(DEMO_CLIENT.id, DEMO_CLIENT.secret).slice('Basic '.length),
      ...Object.fromEntries(csrfCookies.map((value, i) => [`csrf cookie ${i}`, value])),
    };
    const text = log.lines.join('');
    const leaked = Object.entries(secrets).filter(([, value]) => value && text.includes(value));
    expect(leaked.map(([name]) => name)).toEqual([]);
    expect(text.toLowerCase()).not.toMatch(/"(set-cookie|cookie|authorization|location)":/);

    for (const line of log.lines.filter((l) => l.includes('"req":'))) {
      expect(Buffer.byteLength(line)).toBeLessThan(512);
    }
  });
  it('logs a request the body parser refuses, and a CORS preflight answered before any route', async () => {
    const server = t.app.getHttpServer();
    await request(server)
      .post('/wallet/nonce')
      .set('content-type', 'application/json')
      .send('{"address": ')
      .expect(400);
    await request(server)
      .options('/token')
      .set('origin', 'https://unknown.example')
      .set('access-control-request-method', 'POST')
      .expect(204);

    expect((await requestRecord('POST', '/wallet/nonce')).res).toEqual({
      statusCode: 400,
      contentLength: expect.any(Number),
    });
    expect((await requestRecord('OPTIONS', '/token')).res).toMatchObject({ statusCode: 204 });
  });

  it('logs a path the router refuses before any route (a malformed percent-escape)', async () => {
    await request(t.app.getHttpServer()).get('/static/%E0%A4%A.js?code=c').expect(400);
    const line = await requestRecord('GET', '/static/%E0%A4%A.js');
    expect(line.req.url).toBe('/static/%E0%A4%A.js?[redacted]');
    expect(line.res).toEqual({ statusCode: 400, contentLength: expect.any(Number) });
  });

  it('logs a method the path does not take as its 405, the query redacted', async () => {
    await request(t.app.getHttpServer()).get('/token?code=c').expect(405);
    const line = await requestRecord('GET', '/token');
    expect(line.req.url).toBe('/token?[redacted]');
    expect(line.res).toEqual({ statusCode: 405, contentLength: expect.any(Number) });
  });
});
