import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { securityHeaderPolicy, securityHeaders } from './security-headers';

async function headersFrom(middleware: RequestHandler) {
  const app = express();
  app.disable('x-powered-by');
  app.use(middleware);
  app.post('/wallet/nonce', (_req, res) => {
    res.status(201).json({ ok: true });
  });
  const res = await request(app).post('/wallet/nonce').expect(201);
  const headers = { ...(res.headers as Record<string, string>) };
  delete headers.date;
  return headers;
}

describe('securityHeaders', () => {
  it('gives every response exactly the headers helmet writes for the policy', async () => {
    const replayed = await headersFrom(securityHeaders());
    expect(replayed).toEqual(await headersFrom(securityHeaderPolicy()));
    expect(replayed['content-security-policy']).toContain("default-src 'self'");
    expect(replayed['x-frame-options']).toBe('DENY');
    expect(replayed['referrer-policy']).toBe('no-referrer');
    expect(replayed['strict-transport-security']).toMatch(/^max-age=\d+/);
  });

  it('leaves a header a route sets later alone, and a route may override one', async () => {
    const app = express();
    app.use(securityHeaders());
    app.get('/page', (_req, res) => {
      res.setHeader('Content-Security-Policy', "default-src 'none'");
      res.send('ok');
    });
    const res = await request(app).get('/page').expect(200);
    expect(res.headers['content-security-policy']).toBe("default-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
