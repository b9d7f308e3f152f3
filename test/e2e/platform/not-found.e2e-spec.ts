/**
 * An address nothing answers: a browser (GET, HTML preferred) reads a small page with the way
 * home; an API client keeps the `{ error, error_description }` envelope, whatever else it sends.
 * An address that is answered, but not under the request's method: `405 Method Not Allowed`
 * with the `Allow` header, in the envelope.
 */
import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

/** What Chromium and Firefox send when the user follows a link. */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

// One instance with the default settings serves every part but the production one, which
// starts its own after it (two instances on one database would not share their signing keys).
describe('an instance with the default settings', () => {
  const t = useTestApp();

  describe('an unknown path', () => {
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
      expect(res.text).toContain(
        'There is no page at <code>/no/such/page</code> on this instance.',
      );
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
      const res = await t.http().post('/no/such/page').set('Accept', BROWSER_ACCEPT);
      expectRefusal(res, 404, 'not_found', 'No route for POST /no/such/page');
    });
  });

  describe('a method the path does not take (RFC 9110 §15.5.6)', () => {
    it('answers GET /token with 405, Allow: POST and the envelope, never the query', async () => {
      const res = await t.http().get('/token?code=secret-code&state=secret-state');
      expectRefusal(res, 405, 'invalid_request', 'GET is not allowed on /token; it takes POST');
      expect(res.headers.allow).toBe('POST');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      // The request pipeline ran, as for any other refusal.
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.text).not.toContain('secret');
    });

    it('lists GET and HEAD for a GET-only document (POST /jwks.json), with its CORS header', async () => {
      const res = await t.http().post('/jwks.json').set('Origin', 'https://rp.example.test');
      expectRefusal(
        res,
        405,
        'invalid_request',
        'POST is not allowed on /jwks.json; it takes GET, HEAD',
      );
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.headers['access-control-allow-origin']).toBe('*');
    });

    it('lists every method of an admin API resource (DELETE /admin/v1/users/{username})', async () => {
      const res = await t.http().delete('/admin/v1/users/alice');
      expectRefusal(
        res,
        405,
        'invalid_request',
        'DELETE is not allowed on /admin/v1/users/alice; it takes GET, HEAD, PATCH',
      );
      expect(res.headers.allow).toBe('GET, HEAD, PATCH');
    });

    it('matches the path as the router does: any case, a trailing slash', async () => {
      const res = await t.http().get('/Token/');
      expectRefusal(res, 405, 'invalid_request', 'GET is not allowed on /Token/; it takes POST');
      expect(res.headers.allow).toBe('POST');
    });

    it('answers HEAD with the same status and Allow, and no body', async () => {
      const res = await t.http().head('/token');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.text).toBeUndefined();
    });

    it('answers an OPTIONS that is not a CORS preflight with 405 (OPTIONS is not in Allow)', async () => {
      const res = await t.http().options('/token');
      expectRefusal(res, 405, 'invalid_request', 'OPTIONS is not allowed on /token; it takes POST');
      expect(res.headers.allow).toBe('POST');
    });

    it('still answers a CORS preflight before routing', async () => {
      const res = await t
        .http()
        .options('/jwks.json')
        .set('Origin', 'https://rp.example.test')
        .set('Access-Control-Request-Method', 'GET');
      expect(res.status).toBe(204);
      expect(res.headers.allow).toBeUndefined();
    });

    it('keeps the 404 for a path no route takes, under any method', async () => {
      const res = await t.http().delete('/no/such/page?code=secret-code');
      expectRefusal(res, 404, 'not_found', 'No route for DELETE /no/such/page');
      expect(res.headers.allow).toBeUndefined();
    });

    it("keeps the 404 where the method's own route refuses the path (an empty parameter)", async () => {
      // Nest's adapter sends a route with an empty path parameter to the not-found handler;
      // GET and POST both have a route at /admin/v1/clients/{clientId}/secrets.
      const res = await t.http().get('/admin/v1/clients//secrets');
      expectRefusal(res, 404, 'not_found', 'No route for GET /admin/v1/clients//secrets');
      expect(res.headers.allow).toBeUndefined();
    });
  });

  describe("the pages' static files (/static/)", () => {
    it('serves a script with its standard type, an hour of caching and the security headers', async () => {
      const res = await t.http().get('/static/proofgate.js').expect(200);
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(res.headers['cache-control']).toBe('public, max-age=3600');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.text.length).toBeGreaterThan(0);
    });

    it.each([
      ['a file that is not there', '/static/no-such-file.js'],
      ['a parent segment', '/static/..%2f..%2fpackage.json'],
      ['an encoded parent segment', '/static/%2e%2e/%2e%2e/package.json'],
      ['an empty segment', '/static//proofgate.js'],
      ['a NUL byte', '/static/proofgate.js%00.css'],
    ])('answers %s with the 404 envelope, never the file system or a 5xx', async (_name, path) => {
      const res = await t.http().get(path);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 404,
        body: {
          error: 'not_found',
          error_description: expect.stringMatching(/^No route for GET /),
        },
      });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('answers a POST to a static file with the 404 envelope', async () => {
      const res = await t.http().post('/static/proofgate.js');
      expectRefusal(res, 404, 'not_found', 'No route for POST /static/proofgate.js');
    });
  });

  describe('a path the router cannot read', () => {
    it.each([
      ['a static file', '/static/%E0%A4%A.js'],
      ['an unknown path', '/no/such/%E0%A4%A'],
      ['a route with a parameter', '/account/methods/%E0%A4%A'],
    ])(
      'answers a malformed percent-escape in %s with the 400 envelope and its headers, never the path',
      async (_name, path) => {
        const res = await t.http().get(path);
        expectRefusal(
          res,
          400,
          'invalid_request',
          'The request path is not valid percent-encoding',
        );
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      },
    );

    it('answers a path parameter over 2,048 characters with 414 in the envelope', async () => {
      const res = await t.http().delete(`/account/methods/${'a'.repeat(2049)}`);
      expectRefusal(res, 414, 'invalid_request', 'A path segment is longer than 2048 characters');
    });

    it('reads a path parameter of 2,048 characters (then asks for a token, as the route does)', async () => {
      const res = await t.http().delete(`/account/methods/${'a'.repeat(2048)}`);
      expectRefusal(res, 401, 'invalid_request', 'A bearer access token is required');
    });
  });

  describe('bytes that are not an HTTP request', () => {
    let port: number;

    beforeAll(async () => {
      await t.app.listen(0, '127.0.0.1');
      port = (t.app.getHttpServer().address() as { port: number }).port;
    });

    /** Sends `raw` on a new connection; resolves with all the service wrote before closing it. */
    function exchange(raw: string): Promise<string> {
      return new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(raw));
        let answer = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (answer += chunk));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    }

    it.each([
      [
        'a request line that is not HTTP',
        'HELLO\r\n\r\n',
        400,
        'The request is not valid HTTP/1.1',
      ],
      [
        'a head over the size limit',
        `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'The request headers are too large',
      ],
    ])('answers %s in the envelope, then closes', async (_name, raw, status, description) => {
      const answer = await exchange(raw);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
      expect(head).toContain('Content-Type: application/json; charset=utf-8');
      expect(head).toContain('Connection: close');
      expect(JSON.parse(body)).toEqual({
        error: 'invalid_request',
        error_description: description,
      });
    });
  });
});

describe('a page this instance turns off (the lab, in production)', () => {
  const production = useTestApp({
    NODE_ENV: 'production',
    KEY_ENCRYPTION_SECRET: 'k'.repeat(40),
    ISSUER: 'https://auth.example.test',
    LOG_LEVEL: 'silent',
  });

  it('answers a browser the same page, an API client the envelope', async () => {
    const page = await production.http().get('/lab').set('Accept', BROWSER_ACCEPT).expect(404);
    expect(page.text).toContain('There is no page at <code>/lab</code> on this instance.');
    const api = await production.http().get('/lab');
    expectRefusal(api, 404, 'not_found', 'The lab is disabled on this instance');
  });
});
