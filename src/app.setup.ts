import type { NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { json, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import { ServerConfig } from './config/sections/server.config';
import { CrossOriginPolicy } from './clients/cross-origin.policy';
import { rejectDeeplyNestedBodies } from './platform/http/body-depth';
import { crossOriginRequests } from './platform/http/cors';
import { HttpDrain } from './platform/http/http-drain';
import { inSequence } from './platform/http/in-sequence';
import { securityHeaders } from './platform/http/security-headers';
import { refuseInvalidUtf8 } from './platform/http/utf8-body';
import { requestDeadline } from './platform/http/request-deadline';
import { RequestLog } from './platform/logging/logging.module';
import { setupOpenApi } from './platform/openapi/openapi';

/** Largest JSON or form body accepted (413 above). */
const BODY_LIMIT = '16kb';

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
  const { trustProxy, requestTimeoutSeconds } = app.get(ServerConfig);
  app.set('trust proxy', typeof trustProxy === 'object' ? [...trustProxy] : trustProxy);
  // What every request passes runs as one layer of Express's router (`inSequence`): numbered and
  // logged first (`request-log.ts`; a request refused below still gets its line), its deadline
  // (`request-deadline.ts`), then the drain, the security headers, and CORS, whose preflights are
  // answered here, before any route.
  app.use(
    inSequence(
      app.get(RequestLog).middleware,
      requestDeadline(requestTimeoutSeconds * 1000),
      app.get(HttpDrain).closeConnectionsWhileDraining(),
      securityHeaders(),
      crossOriginRequests(app.get(CrossOriginPolicy).ruleFor),
    ),
  );
  app.useStaticAssets(join(__dirname, 'public'), {
    prefix: '/static/',
    maxAge: '1h',
    index: false,
  });
  // The bodies, likewise as one layer. `extended: false`: form bodies are flat name=value pairs
  // (no qs `a[b][c]` nesting), as is the query string (Express 5's simple parser). JSON can nest,
  // so its depth is bounded right after parsing.
  app.use(
    inSequence(
      json({ limit: BODY_LIMIT, verify: refuseInvalidUtf8 }),
      urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 50 }),
      rejectDeeplyNestedBodies(),
    ),
  );
  setupOpenApi(app);
  // No `enableShutdownHooks()`: main.ts stops on signals through HttpDrain, which drains the
  // connections before the shutdown hooks run.
  return app;
}
