import type * as OtelApi from '@opentelemetry/api';
import type { TracingConfig } from '../../config/tracing-config';
import { ProtocolError } from '../errors/protocol-error';
import { RoutePathRedactor } from './route-path-redactor';

/**
 * OpenTelemetry traces, off unless an OTLP endpoint is configured. Off, nothing of OpenTelemetry
 * is loaded (the imports above are types only), no module is patched, and each protocol step
 * costs one comparison with `undefined`. On, `startTracing` runs before the application's modules
 * are loaded (src/main.ts), so that the http and mongodb instrumentations patch them: one server
 * span per HTTP request, one client span per MongoDB command, and the protocol steps
 * (`tracedStep`) in between.
 */
interface ActiveTracing {
  readonly api: typeof OtelApi;
  readonly tracer: OtelApi.Tracer;
  shutdown(): Promise<void>;
}

let active: ActiveTracing | undefined;

/** Attribute names of the protocol steps: bounded values only (see `tracedStep`). */
export const STEP_ATTRIBUTES = {
  model: 'proofgate.model',
  clientId: 'proofgate.client_id',
  grantType: 'proofgate.grant_type',
  challengeKind: 'proofgate.challenge_kind',
  outcome: 'proofgate.outcome',
} as const;
export type StepAttribute = (typeof STEP_ATTRIBUTES)[keyof typeof STEP_ATTRIBUTES];

/** What a step may add to its span once it knows more (the client, once authenticated). */
export interface StepSpan {
  set(name: StepAttribute, value: string): void;
}

const NO_SPAN: StepSpan = { set: () => undefined };
/** A client id is public, but one from a metadata document URL can be long. */
const MAX_VALUE_LENGTH = 128;

/**
 * Runs one protocol step (authorize, a token grant, a nonce issue, a signature check, a redeem)
 * in a span of its own when tracing is on; otherwise just runs it. Attributes are identifiers
 * and closed vocabularies (model, client id, grant type, outcome): never a code, verifier,
 * nonce, token, signature or address. The outcome is what the step set, else `success`; the
 * RFC error code of a refusal, or `server_error`; a 5xx also marks the span as an error.
 */
export function tracedStep<T>(
  name: string,
  attributes: Partial<Record<StepAttribute, string>>,
  step: (span: StepSpan) => Promise<T>,
): Promise<T> {
  const tracing = active;
  if (tracing === undefined) return step(NO_SPAN);
  const { api, tracer } = tracing;
  return tracer.startActiveSpan(name, { attributes: bounded(attributes) }, async (span) => {
    let outcomeSet = false;
    const handle: StepSpan = {
      set: (key, value) => {
        if (key === STEP_ATTRIBUTES.outcome) outcomeSet = true;
        span.setAttribute(key, value.slice(0, MAX_VALUE_LENGTH));
      },
    };
    try {
      const result = await step(handle);
      if (!outcomeSet) span.setAttribute(STEP_ATTRIBUTES.outcome, 'success');
      return result;
    } catch (error) {
      const known = error instanceof ProtocolError;
      span.setAttribute(STEP_ATTRIBUTES.outcome, known ? error.error : 'server_error');
      if (!known || error.status >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

function bounded(attributes: Partial<Record<StepAttribute, string>>): OtelApi.Attributes {
  const result: OtelApi.Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) result[key] = value.slice(0, MAX_VALUE_LENGTH);
  }
  return result;
}

/** The trace id of the span active now (the request's server span), when tracing is on. */
export function activeTraceId(): string | undefined {
  return active?.api.trace.getActiveSpan()?.spanContext().traceId;
}

export function tracingEnabled(): boolean {
  return active !== undefined;
}

/** Flushes the spans still buffered; at shutdown. */
export async function stopTracing(): Promise<void> {
  const tracing = active;
  active = undefined;
  await tracing?.shutdown();
}

/** How request paths are recorded; the application's routes are known once it has started. */
let paths = new RoutePathRedactor([]);

/** The application's routes, once known: `url.path` carries their templates, not parameters. */
export function recordPathsAs(redactor: RoutePathRedactor): void {
  paths = redactor;
}

/** The path and query of a request target (origin-form, or absolute-form through a proxy). */
function parsedPath(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/** Paths whose requests get no span: probes and scrapes arrive every few seconds. */
const UNTRACED_PATHS = /^\/(health(\/|$|\?)|metrics($|\?))/;

/**
 * Starts the OpenTelemetry SDK (OTLP over HTTP, JSON or protobuf) with the http (server side
 * only) and mongodb instrumentations. Must run before Fastify and mongodb are first required.
 * The SDK also reads the standard variables it owns (OTEL_TRACES_SAMPLER and its argument,
 * OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_*).
 */
export function startTracing(config: TracingConfig, version: string): void {
  if (active) return;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const api = require('@opentelemetry/api') as typeof OtelApi;
  const { NodeSDK } =
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { MongoDBInstrumentation } =
    require('@opentelemetry/instrumentation-mongodb') as typeof import('@opentelemetry/instrumentation-mongodb');
  const { resourceFromAttributes } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const {
    ATTR_HTTP_ROUTE,
    ATTR_SERVICE_NAME,
    ATTR_SERVICE_VERSION,
    ATTR_URL_PATH,
    ATTR_URL_QUERY,
  } =
    require('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions');
  const exporter =
    config.protocol === 'http/json'
      ? new (
          require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')
        ).OTLPTraceExporter({ url: config.tracesUrl })
      : new (
          require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')
        ).OTLPTraceExporter({ url: config.tracesUrl });
  /* eslint-enable @typescript-eslint/no-require-imports */

  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_SERVICE_VERSION]: version,
    }),
    traceExporter: exporter,
    instrumentations: [
      new HttpInstrumentation({
        // Outgoing calls (SIWE RPC, client metadata documents) are not traced: RPC URLs often
        // carry an API key in their path.
        disableOutgoingRequestInstrumentation: true,
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
        // Queries carry codes, state, PKCE challenges and OIDC nonces: the attribute says only
        // that there was one (as the request log does). A path parameter can be a wallet address
        // or a passkey credential id: the path is the route's template (`/account/methods/:method`).
        startIncomingSpanHook: (request) => {
          const url = parsedPath(request.url);
          const recorded = url ? paths.redact(url.pathname) : { path: '[unparsed]' };
          return {
            [ATTR_URL_PATH]: recorded.path,
            ...(recorded.route !== undefined ? { [ATTR_HTTP_ROUTE]: recorded.route } : {}),
            ...(url?.search ? { [ATTR_URL_QUERY]: '[redacted]' } : {}),
          };
        },
      }),
      // Statements are reported with their values replaced by `?` (enhancedDatabaseReporting off).
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  active = {
    api,
    tracer: api.trace.getTracer('proofgate', version),
    shutdown: () => sdk.shutdown(),
  };
}
