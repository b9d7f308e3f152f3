import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { inSequence } from './in-sequence';

function appWith(middleware: RequestHandler) {
  const app = express();
  app.use(middleware);
  app.get('/', (req, res) => {
    res.json({ seen: (req as { seen?: string[] }).seen ?? [] });
  });
  app.use(((error: Error, _req, res, _next) => {
    res.status(400).json({ error: error.message });
  }) as express.ErrorRequestHandler);
  return app;
}

const mark =
  (name: string): RequestHandler =>
  (req, _res, next) => {
    const r = req as { seen?: string[] };
    (r.seen ??= []).push(name);
    next();
  };

describe('inSequence', () => {
  it('runs every handler in order, then the route', async () => {
    const app = appWith(inSequence(mark('a'), mark('b'), mark('c')));
    const res = await request(app).get('/').expect(200);
    expect(res.body).toEqual({ seen: ['a', 'b', 'c'] });
  });

  it('lets a handler answer and stops there', async () => {
    const answer: RequestHandler = (_req, res) => {
      res.status(204).end();
    };
    const after = jest.fn<void, Parameters<RequestHandler>>();
    const app = appWith(inSequence(mark('a'), answer, after));
    await request(app).get('/').expect(204);
    expect(after).not.toHaveBeenCalled();
  });

  it('sends an error passed to next, or thrown, to the error handlers and skips the rest', async () => {
    const after = jest.fn<void, Parameters<RequestHandler>>();
    const passes: RequestHandler = (_req, _res, next) => next(new Error('passed on'));
    const throws: RequestHandler = () => {
      throw new Error('thrown');
    };
    for (const [failing, message] of [
      [passes, 'passed on'],
      [throws, 'thrown'],
    ] as const) {
      const res = await request(appWith(inSequence(mark('a'), failing, after)))
        .get('/')
        .expect(400);
      expect(res.body).toEqual({ error: message });
    }
    expect(after).not.toHaveBeenCalled();
  });

  it('waits for a handler that calls next later', async () => {
    const later: RequestHandler = (req, _res, next) =>
      setImmediate(() => mark('later')(req, _res, next));
    const res = await request(appWith(inSequence(later, mark('b'))))
      .get('/')
      .expect(200);
    expect(res.body).toEqual({ seen: ['later', 'b'] });
  });
});
