import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { OperatorConfig } from '../../config/sections/operator.config';
import { ServerConfig } from '../../config/sections/server.config';
import { assertOperatorAccess } from '../http/operator-access';
import { requestPath } from '../http/http-exchange';
import { SERVICE_VERSION } from '../version';

export const DOCS_PATH = 'docs';

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const { issuer } = app.get(ServerConfig);
  const builder = new DocumentBuilder()
    .setTitle('Proofgate')
    .setDescription(
      'Challenge-response login models side by side: OAuth 2.1 authorization code + PKCE ' +
        '(RFC 7636, S256), wallet sign-in (EIP-4361 on Ethereum, CAIP-122 on the other chains) and ' +
        'passkeys (WebAuthn), ending in the same tokens, which DPoP (RFC 9449) can bind to a key. ' +
        'Errors are `{ "error", "error_description" }`.',
    )
    .setVersion(SERVICE_VERSION)
    .addServer(issuer)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addBasicAuth({ type: 'http', scheme: 'basic' }, 'client_secret_basic')
    .build();
  return SwaggerModule.createDocument(app, builder);
}

/**
 * Serves the OpenAPI description at /docs (UI), /docs-json and /docs-yaml: to anyone while
 * DOCS_ENABLED, else to the admin token only (see assertOperatorAccess).
 */
export function setupOpenApi(app: NestFastifyApplication): void {
  const operator = app.get(OperatorConfig);
  const docs = `/${DOCS_PATH}`;
  const described = new Set([docs, `/${DOCS_PATH}-json`, `/${DOCS_PATH}-yaml`]);
  // A prefix matches the path itself and everything under it, segment by segment.
  const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  const fastify = app.getHttpAdapter().getInstance();
  // A route takes the error handler its instance had when Fastify booted it; these are booted
  // with the static files' plugin in `app.init()`, before Nest sets the handler that runs the
  // exception filters (as for its own routes). Their refusals (the hook below) go to whatever
  // handler the instance has when the request comes: Nest's, so `{ error, error_description }`.
  fastify.addHook('onRoute', (route) => {
    if (!route.url.startsWith(docs) || route.errorHandler) return;
    route.errorHandler = (error, req, res) => fastify.errorHandler(error, req, res);
  });
  fastify.addHook('onRequest', (req, res, done) => {
    const path = requestPath(req);
    if (!path.startsWith(docs)) {
      done();
      return;
    }
    try {
      if ([...described].some((prefix) => under(path, prefix))) {
        assertOperatorAccess(operator, operator.docsEnabled, req.headers.authorization);
      }
      // Swagger UI sets inline styles; relax style-src for its page only.
      if (under(path, docs)) {
        res.header(
          'Content-Security-Policy',
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        );
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  SwaggerModule.setup(DOCS_PATH, app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    // The page's own title, not the library's ("Swagger UI").
    customSiteTitle: 'Proofgate API',
  });
}
