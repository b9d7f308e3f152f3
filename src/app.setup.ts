import type { NestApplicationOptions } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse as parseQueryString } from 'node:querystring';
import { Logger } from 'nestjs-pino';
import { ServerConfig } from './config/sections/server.config';
import type { TrustProxy } from './config/env-parsers';
import { CrossOriginPolicy } from './clients/cross-origin.policy';
import { TokenRequestOutcome } from './oauth/token/token-request-outcome.step';
import { registerBodyParsers } from './platform/http/body-parsers';
import { singleCredentials } from './platform/http/single-credentials';
import { limitedServer, connectionLimits } from './platform/http/connection-limits';
import { crossOriginRequests } from './platform/http/cors';
import { weakBodyEtags } from './platform/http/etag';
import { challengeEveryUnauthorized } from './platform/http/proof-challenge';
import { copyRoutes } from './platform/http/allowed-methods';
import {
  MAX_PATH_PARAMETER_LENGTH,
  answerClientError,
  answerFrameworkError,
  runBeforeFrameworkErrors,
} from './platform/http/framework-errors';
import { HttpDrain } from './platform/http/http-drain';
import type { HttpResponse } from './platform/http/http-exchange';
import { inSequence } from './platform/http/in-sequence';
import { securityHeaders } from './platform/http/security-headers';
import {
  PUBLIC_DIR,
  STATIC_PREFIX,
  UNVERSIONED_MAX_AGE_SECONDS,
  assetCaching,
  standardScriptType,
} from './platform/http/static-files';
import { requestDeadline } from './platform/http/request-deadline';
import { RequestLog } from './platform/logging/logging.module';
import { setupOpenApi } from './platform/openapi/openapi';

/** Largest JSON or form body accepted (413 above): 16 KiB. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** Options for creating the app; body parsers are added by `configureApp` with our limits. */
export const APP_OPTIONS: NestApplicationOptions = { bufferLogs: true, bodyParser: false };

/**
 * The HTTP platform: Fastify. TRUST_PROXY: `req.ip` (rate limits, logs) is the X-Forwarded-For
 * client only behind trusted proxies (proxy-addr). Paths match in any case and with a trailing
 * slash, as they always have here (clients rely on it). The query string is flat name=value pairs
 * (node:querystring), a repeated name kept as an array so that a repeated OAuth parameter can be
 * refused (RFC 6749 §3.1), never silently one of its values. No Fastify logger: requests are logged
 * by the request log below. The Node server's timeouts and connection cap come from
 * REQUEST_TIMEOUT_SECONDS and MAX_CONNECTIONS (`connectionLimits`): Node's own would let a client
 * that trickles its headers hold a connection for ~82 s, and any number of them.
 */
/**
 * TRUST_PROXY as Fastify takes it. A hop count is given as the function Fastify made of it up to
 * 5.11 (and Express does): the `hops` nearest addresses of the chain are trusted proxies. Fastify
 * 5.12 reads a bare number as "trust no proxy", which would silently key the rate limits to the
 * proxy's own address.
 */
function fastifyTrustProxy(
  trustProxy: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (trustProxy === false) return false;
  if (typeof trustProxy === 'number') return (_address, hop) => hop < trustProxy;
  return [...trustProxy];
}

export function httpAdapter(
  server: Pick<ServerConfig, 'trustProxy' | 'requestTimeoutSeconds' | 'maxConnections'>,
): FastifyAdapter {
  const { trustProxy } = server;
  const limits = connectionLimits(server);
  return new FastifyAdapter({
    trustProxy: fastifyTrustProxy(trustProxy),
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      querystringParser: (query) => parseQueryString(query),
      // A passkey's method key in DELETE /account/methods/:method can run to 1,372 characters.
      maxParamLength: MAX_PATH_PARAMETER_LENGTH,
    },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // The one server, with the timeouts and the connection cap (see limitedServer).
    serverFactory: limitedServer(limits),
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false,
  });
}

/**
 * HTTP-level settings that are not expressible as module providers. Used by `main.ts` and by
 * every e2e test, so tests exercise the same application users get.
 */
export function configureApp(app: NestFastifyApplication): NestFastifyApplication {
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  const { requestTimeoutSeconds } = app.get(ServerConfig);
  // Before any route is added: a path whose routes take other methods is a 405 with `Allow`.
  copyRoutes(fastify);
  // What every request passes runs as one onRequest hook (`inSequence`): numbered and logged
  // first (`request-log.ts`; a request refused below still gets its line), its deadline
  // (`request-deadline.ts`), then the drain, the security headers, and CORS, whose preflights are
  // answered here, before any route; a repeated credential header refused
  // (`single-credentials.ts`); and POST /token's outcome report.
  const pipeline = inSequence(
    app.get(RequestLog).step,
    requestDeadline(requestTimeoutSeconds * 1000),
    app.get(HttpDrain).closeConnectionsWhileDraining(),
    securityHeaders(),
    crossOriginRequests(app.get(CrossOriginPolicy).ruleFor),
    singleCredentials(),
    app.get(TokenRequestOutcome).step(),
  );
  runBeforeFrameworkErrors(fastify, pipeline);
  fastify.addHook('onRequest', (req, res, done) => {
    pipeline(req, res, (error?: unknown) =>
      error === undefined || error === null ? done() : done(error as Error),
    );
  });
  // A weak ETag on every GET/HEAD body (RFC 9110 §8.8.3), 304 for a matching If-None-Match.
  fastify.addHook('onSend', weakBodyEtags());
  // RFC 9110 §15.5.2: no 401 without a WWW-Authenticate challenge (a proof refusal's own scheme).
  fastify.addHook('onSend', challengeEveryUnauthorized());
  app.useStaticAssets({
    root: PUBLIC_DIR,
    prefix: STATIC_PREFIX,
    // What a link without `?v=` gets, and assetCaching sets each file's Cache-Control by its `?v=`.
    maxAge: UNVERSIONED_MAX_AGE_SECONDS * 1000,
    index: false,
    // @fastify/static hands this its reply (Nest's type still names an older `setHeader`).
    setHeaders: (headers, path) => {
      const reply = headers as unknown as HttpResponse;
      standardScriptType(reply, path);
      assetCaching(reply, path);
    },
  });
  // The bodies: JSON (UTF-8, depth bounded) and flat forms (name=value pairs, no qs `a[b][c]`
  // nesting, at most 50), 16 KiB each.
  registerBodyParsers(fastify, { bytes: BODY_LIMIT_BYTES, formParameters: 50 });
  setupOpenApi(app);
  // No `enableShutdownHooks()`: main.ts stops on signals through HttpDrain, which drains the
  // connections before the shutdown hooks run.
  return app;
}
