import { createServer } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import request from 'supertest';
import { DISABLED_FEATURES, securityHeaderPolicy, securityHeaders } from './security-headers';

function withoutDate(headers: Record<string, string>) {
  const copy = { ...headers };
  delete copy.date;
  // Not the policy's (the weak body ETag is added in an onSend hook, etag.ts).
  delete copy.etag;
  return copy;
}

/**
 * The reference: helmet's own middleware on Node's bare HTTP server, answering JSON with no
 * `x-powered-by`, so the service's headers are exactly the policy's and nothing else.
 */
async function helmetOnNode() {
  const policy = securityHeaderPolicy();
  const server = createServer((req, res) =>
    policy(req, res, () => {
      res.statusCode = 201;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', '11');
      res.end('{"ok":true}');
    }),
  );
  const res = await request(server).post('/wallet/nonce').expect(201);
  return withoutDate(res.headers);
}

async function fastifyWith(route: (app: FastifyInstance) => void) {
  const app = Fastify();
  const step = securityHeaders();
  app.addHook('onRequest', (req, res, done) => step(req, res, () => done()));
  route(app);
  await app.ready();
  return app;
}

describe('securityHeaders', () => {
  it('gives every response exactly the headers helmet writes for the policy', async () => {
    const app = await fastifyWith((a) =>
      a.post('/wallet/nonce', (_req, res) => {
        void res
          .code(201)
          .header('content-type', 'application/json; charset=utf-8')
          .send('{"ok":true}');
      }),
    );
    const res = await request(app.server).post('/wallet/nonce').expect(201);
    const replayed = withoutDate(res.headers);
    expect(replayed).toEqual(await helmetOnNode());
    expect(replayed['content-security-policy']).toContain("default-src 'self'");
    expect(replayed['x-frame-options']).toBe('DENY');
    expect(replayed['referrer-policy']).toBe('no-referrer');
    // A year (docs/SECURITY.md says so).
    expect(replayed['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(replayed['permissions-policy']).toBe(
      DISABLED_FEATURES.map((feature) => `${feature}=()`).join(', '),
    );
    await app.close();
  });

  it('leaves a header a route sets later alone, and a route may override one', async () => {
    const app = await fastifyWith((a) =>
      a.get('/page', (_req, res) => {
        void res.header('Content-Security-Policy', "default-src 'none'").send('ok');
      }),
    );
    const res = await request(app.server).get('/page').expect(200);
    expect(res.headers['content-security-policy']).toBe("default-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    await app.close();
  });
});
