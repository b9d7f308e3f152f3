import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import request from 'supertest';
import { securityHeaderPolicy, securityHeaders } from './security-headers';

function withoutDate(headers: Record<string, string>) {
  const copy = { ...headers };
  delete copy.date;
  // Express's own, not the policy's (the Fastify build adds it in an onSend hook, etag.ts).
  delete copy.etag;
  return copy;
}

/** The reference: helmet's own middleware on Express, as the Express build answered. */
async function helmetOnExpress() {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaderPolicy());
  app.post('/wallet/nonce', (_req, res) => {
    res.status(201).json({ ok: true });
  });
  const res = await request(app).post('/wallet/nonce').expect(201);
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
    expect(replayed).toEqual(await helmetOnExpress());
    expect(replayed['content-security-policy']).toContain("default-src 'self'");
    expect(replayed['x-frame-options']).toBe('DENY');
    expect(replayed['referrer-policy']).toBe('no-referrer');
    expect(replayed['strict-transport-security']).toMatch(/^max-age=\d+/);
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
