import { createRequire } from 'node:module';
import Fastify, { type FastifyInstance } from 'fastify';
import { allowedMethods, copyRoutes } from './allowed-methods';

const answer = () => 'ok';

/** A Fastify app with the service's router options (app.setup.ts) and a few kinds of route. */
async function appWithRoutes(): Promise<FastifyInstance> {
  const fastify = Fastify({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } });
  copyRoutes(fastify);
  fastify.get('/document', answer);
  fastify.post('/token', answer);
  fastify.get('/items/:id', answer);
  fastify.patch('/items/:id', answer);
  fastify.route({ method: ['DELETE', 'PUT', 'GET'], url: '/things', handler: answer });
  // As @fastify/static serves /static/: one route for any path below it.
  fastify.get('/files/*', answer);
  fastify.post('/files/upload', answer);
  await fastify.ready();
  return fastify;
}

describe('allowedMethods', () => {
  let fastify: FastifyInstance;

  beforeAll(async () => {
    fastify = await appWithRoutes();
  });

  afterAll(() => fastify.close());

  it('lists the methods of a path whose routes take others, HEAD beside each GET', () => {
    expect(allowedMethods(fastify, 'GET', '/token')).toEqual(['POST']);
    expect(allowedMethods(fastify, 'POST', '/document')).toEqual(['GET', 'HEAD']);
  });

  it('matches parameters, any case and a trailing slash, as the router does', () => {
    expect(allowedMethods(fastify, 'DELETE', '/items/42')).toEqual(['GET', 'HEAD', 'PATCH']);
    expect(allowedMethods(fastify, 'GET', '/TOKEN/')).toEqual(['POST']);
  });

  it('lists them in a fixed order, whatever order the route names them in', () => {
    expect(allowedMethods(fastify, 'POST', '/things')).toEqual(['GET', 'HEAD', 'PUT', 'DELETE']);
  });

  it('lists none when a route takes the method (its handler found nothing) or none takes the path', () => {
    expect(allowedMethods(fastify, 'GET', '/document')).toEqual([]);
    expect(allowedMethods(fastify, 'GET', '/items/42/')).toEqual([]);
    expect(allowedMethods(fastify, 'POST', '/no/such/path')).toEqual([]);
  });

  it('does not count a wildcard route: it would make every path below it a 405', () => {
    expect(allowedMethods(fastify, 'POST', '/files/report.pdf')).toEqual([]);
    expect(allowedMethods(fastify, 'DELETE', '/files/upload')).toEqual(['POST']);
    // The method's own wildcard route takes the path: its handler's 404 stands.
    expect(allowedMethods(fastify, 'GET', '/files/upload')).toEqual([]);
  });

  it("keeps each app's routes apart, and knows none of an app it did not copy", async () => {
    const other = Fastify();
    copyRoutes(other);
    other.get('/token', answer);
    const uncopied = Fastify();
    uncopied.post('/token', answer);
    await Promise.all([other.ready(), uncopied.ready()]);
    try {
      expect(allowedMethods(other, 'POST', '/token')).toEqual(['GET', 'HEAD']);
      expect(allowedMethods(fastify, 'GET', '/token')).toEqual(['POST']);
      expect(allowedMethods(uncopied, 'GET', '/token')).toEqual([]);
    } finally {
      await Promise.all([other.close(), uncopied.close()]);
    }
  });
});

describe('the route copy', () => {
  it('matches with the router release Fastify itself matches with', () => {
    const fromFastify = createRequire(require.resolve('fastify'));
    const fromHere = createRequire(__filename);
    const ours = (fromHere('find-my-way/package.json') as { version: string }).version;
    const fastifys = (fromFastify('find-my-way/package.json') as { version: string }).version;
    expect(ours).toBe(fastifys);
  });
});
