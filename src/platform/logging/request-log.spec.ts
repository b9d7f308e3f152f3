import Fastify, { type FastifyInstance } from 'fastify';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import pino from 'pino';
import request from 'supertest';
import { loggableUrl, requestLog } from './request-log';

interface LogLine {
  msg: string;
  req: { url: string } & Record<string, unknown>;
  res: Record<string, unknown>;
  responseTime: unknown;
}

function captured(level: pino.Level) {
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(line) });
  const records = () => lines.map((line) => JSON.parse(line) as LogLine);
  return { logger, lines, records };
}

let slowArrived = false;

/** A Fastify server with the request log as its onRequest hook, as app.setup.ts runs it. */
async function fastifyWith(
  step: ReturnType<typeof requestLog>,
  routes: (app: FastifyInstance) => void,
) {
  const app = Fastify();
  app.addHook('onRequest', (req, res, done) => step(req, res, () => done()));
  routes(app);
  await app.ready();
  return app.server;
}

function app(logger: pino.Logger) {
  return fastifyWith(requestLog(logger), (server) => {
    server.get('/health', (_req, res) => void res.send({ status: 'ok' }));
    server.get('/id', (req, res) => void res.send({ id: (req as unknown as { id?: number }).id }));
    server.post('/token', (_req, res) => void res.code(400).send({ error: 'invalid_grant' }));
    server.get('/slow', (_req, res) => {
      slowArrived = true;
      return res;
    });
  });
}

/** The line is written once the response has closed, which may be after supertest resolves. */
async function until<T>(read: () => T | undefined): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no log line');
}

describe('requestLog', () => {
  it('writes one line per answered request: status, size and time, the query redacted', async () => {
    const log = captured('info');
    await request(await app(log.logger))
      .post('/token?code=secret-code&state=s1')
      .set('Authorization', 'Basic c2VjcmV0')
      .set('Cookie', 'pg_session=secret-session')
      .set('User-Agent', 'spec-agent')
      .expect(400);
    const line = await until(() => log.records()[0]);
    expect(line.msg).toBe('request completed');
    expect(line.req).toEqual({
      id: 1,
      method: 'POST',
      url: '/token?[redacted]',
      remoteAddress: expect.any(String),
      headers: { 'user-agent': 'spec-agent', 'content-length': '0' },
    });
    expect(line.res).toEqual({ statusCode: 400, contentLength: expect.any(Number) });
    expect(typeof line.responseTime).toBe('number');
    expect(log.lines.join('')).not.toMatch(/secret|c2VjcmV0|authorization|cookie/i);
  });

  it('numbers every request, and logs no line for health probes', async () => {
    const log = captured('info');
    const server = await app(log.logger);
    await request(server).get('/health').expect(200);
    const second = await request(server).get('/id').expect(200);
    expect(second.body).toEqual({ id: 2 });
    const line = await until(() => log.records()[0]);
    expect(line.req.url).toBe('/id');
    expect(log.lines).toHaveLength(1);
  });

  it('says when the client left before the answer', async () => {
    const log = captured('info');
    const server = (await app(log.logger)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      slowArrived = false;
      const req = httpRequest({ host: '127.0.0.1', port, path: '/slow' });
      req.on('error', () => undefined);
      req.end();
      await until(() => (slowArrived ? true : undefined));
      req.destroy();
      const line = await until(() => log.records()[0]);
      expect(line.msg).toBe('request aborted');
      expect(line.req.url).toBe('/slow');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('writes nothing above info, and still numbers the requests', async () => {
    const log = captured('warn');
    const server = await app(log.logger);
    await request(server).get('/id').expect(200);
    const res = await request(server).get('/id').expect(200);
    expect(res.body).toEqual({ id: 2 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log.lines).toEqual([]);
  });

  it('redacts whatever follows a question mark', () => {
    expect(loggableUrl('/authorize?code=x')).toBe('/authorize?[redacted]');
    expect(loggableUrl('/token')).toBe('/token');
    expect(loggableUrl(undefined)).toBe('');
  });

  it('writes the trace id of the request when tracing gives one, and no field when it does not', async () => {
    const traced = captured('info');
    const server = await fastifyWith(
      requestLog(traced.logger, () => '0af7651916cd43dd8448eb211c80319c'),
      (routes) => routes.get('/', (_req, res) => void res.send({})),
    );
    await request(server).get('/').expect(200);
    expect(await until(() => traced.records()[0])).toMatchObject({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
    });

    const plain = captured('info');
    await request(await app(plain.logger))
      .get('/id')
      .expect(200);
    expect(await until(() => plain.records()[0])).not.toHaveProperty('trace_id');
  });
});
