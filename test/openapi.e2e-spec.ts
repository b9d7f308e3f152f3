import type { OpenAPIObject } from '@nestjs/swagger';
import { TestApp, createTestApp } from './support/test-app';

type Layer = { route?: { path: string; methods: Record<string, boolean> } };

/** Every (method, path) the Nest application registered, in OpenAPI path syntax. */
function registeredRoutes(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  const routes: string[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    // The documentation serving itself, and Nest's catch-all "no route" handler.
    if (path.startsWith('/docs') || path === '/{*path}') continue;
    for (const method of Object.keys(layer.route.methods)) routes.push(`${method} ${path}`);
  }
  return routes.sort();
}

describe('GET /docs (OpenAPI)', () => {
  let t: TestApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http().get('/docs-json').expect(200)).body as OpenAPIObject;
  });
  afterAll(() => t.close());

  it('serves the Swagger UI page', async () => {
    const res = await t.http().get('/docs/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
  });

  it('documents every route the application registers', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    const routes = registeredRoutes(t);
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
    expect(routes).toEqual(
      expect.arrayContaining(['get /challenge-models/{id}', 'post /wallet/verify']),
    );
  });

  it('gives every JSON endpoint a response schema for its success status', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(
        item as Record<
          string,
          { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }
        >,
      )) {
        const success = Object.entries(operation.responses).find(([status]) => /^2/.test(status));
        const redirect = Object.keys(operation.responses).some((status) => /^3/.test(status));
        if (redirect) continue;
        const content = success?.[1].content;
        const hasSchema = content && Object.values(content).some((c) => c.schema);
        if (!hasSchema) missing.push(`${method} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('describes PKCE as S256 only and the token response fields', () => {
    const authorize = document.paths['/authorize'].get!;
    const method = authorize.parameters!.find(
      (p) => 'name' in p && p.name === 'code_challenge_method',
    ) as { schema: { enum: string[] } };
    expect(method.schema.enum).toEqual(['S256']);
    const token = document.paths['/token'].post!.responses['200'] as {
      content: Record<string, { schema: { $ref: string } }>;
    };
    const ref = token.content['application/json'].schema.$ref.split('/').pop()!;
    const response = document.components!.schemas![ref] as { properties: object };
    expect(Object.keys(response.properties)).toEqual([
      'access_token',
      'token_type',
      'expires_in',
      'refresh_token',
      'scope',
    ]);
  });
});
