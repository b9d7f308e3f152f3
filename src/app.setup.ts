import type { NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { Logger } from 'nestjs-pino';
import { AppConfig } from './config/app-config';
import { CrossOriginPolicy } from './oauth/cors/cross-origin.policy';
import { rejectDeeplyNestedBodies } from './platform/http/body-depth';
import { crossOriginRequests } from './platform/http/cors';
import { HttpDrain } from './platform/http/http-drain';
import { securityHeaders } from './platform/http/security-headers';
import { setupOpenApi } from './platform/openapi/openapi';

/** Options for creating the app; body parsers are added by `configureApp` with our limits. */
export const APP_OPTIONS: NestApplicationOptions = { bufferLogs: true, bodyParser: false };

/**
 * HTTP-level settings that are not expressible as module providers. Used by `main.ts` and by
 * every e2e test, so tests exercise the same application users get.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // TRUST_PROXY: `req.ip` (rate limits, logs) is the X-Forwarded-For client only behind trusted proxies.
  const { trustProxy } = app.get(AppConfig);
  app.set('trust proxy', typeof trustProxy === 'object' ? [...trustProxy] : trustProxy);
  app.use(app.get(HttpDrain).closeConnectionsWhileDraining());
  app.use(securityHeaders());
  // Before any route: a CORS preflight is answered here, for the endpoints the policy lists.
  app.use(crossOriginRequests(app.get(CrossOriginPolicy).ruleFor));
  app.useStaticAssets(join(__dirname, 'public'), {
    prefix: '/static/',
    maxAge: '1h',
    index: false,
  });
  app.useBodyParser('json', { limit: '16kb' });
  // `extended: false`: form bodies are flat name=value pairs (no qs `a[b][c]` nesting), as is the
  // query string (Express 5's simple parser). JSON can nest, so its depth is bounded next.
  app.useBodyParser('urlencoded', { extended: false, limit: '16kb', parameterLimit: 50 });
  app.use(rejectDeeplyNestedBodies());
  setupOpenApi(app);
  // No `enableShutdownHooks()`: main.ts stops on signals through HttpDrain, which drains the
  // connections before the shutdown hooks run.
  return app;
}
