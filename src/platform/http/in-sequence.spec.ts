import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { inSequence, type RequestStep } from './in-sequence';

type Step = RequestStep<FastifyRequest, FastifyReply>;

/** A Fastify server running `pipeline` as one onRequest hook, as src/app.setup.ts does. */
function appWith(pipeline: Step) {
  const app = Fastify({ logger: false });
  app.addHook('onRequest', (req, res, done) => {
    pipeline(req, res, (error?: unknown) =>
      error === undefined || error === null ? done() : done(error as Error),
    );
  });
  app.get('/', (req) => ({ seen: (req as { seen?: string[] }).seen ?? [] }));
  app.setErrorHandler((error: Error, _req, res) => {
    void res.status(400).send({ error: error.message });
  });
  return app;
}

const mark =
  (name: string): Step =>
  (req, _res, next) => {
    const r = req as { seen?: string[] };
    (r.seen ??= []).push(name);
    next();
  };

describe('inSequence', () => {
  it('runs every handler in order, then the route', async () => {
    const res = await appWith(inSequence(mark('a'), mark('b'), mark('c'))).inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ seen: ['a', 'b', 'c'] });
  });

  it('lets a handler answer and stops there', async () => {
    const answer: Step = (_req, res) => res.status(204).send();
    const after = jest.fn<void, Parameters<Step>>();
    const res = await appWith(inSequence(mark('a'), answer, after)).inject('/');
    expect(res.statusCode).toBe(204);
    expect(after).not.toHaveBeenCalled();
  });

  it('sends an error passed to next, or thrown, to the error handler and skips the rest', async () => {
    const after = jest.fn<void, Parameters<Step>>();
    const passes: Step = (_req, _res, next) => next(new Error('passed on'));
    const throws: Step = () => {
      throw new Error('thrown');
    };
    for (const [failing, message] of [
      [passes, 'passed on'],
      [throws, 'thrown'],
    ] as const) {
      const res = await appWith(inSequence(mark('a'), failing, after)).inject('/');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: message });
    }
    expect(after).not.toHaveBeenCalled();
  });

  it('waits for a handler that calls next later', async () => {
    const later: Step = (req, res, next) => setImmediate(() => mark('later')(req, res, next));
    const res = await appWith(inSequence(later, mark('b'))).inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ seen: ['later', 'b'] });
  });
});
