import { ConfigError, Env, httpUrl, oneOf, str } from './env-parsers';
import { type SettingsSection, choice, text } from './setting';

/** OTLP over HTTP: JSON or protobuf bodies (gRPC is not shipped). */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** The OpenTelemetry specification's OTEL_TRACES_SAMPLER values (the SDK reads the variable). */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/**
 * OpenTelemetry traces, from the specification's standard variables: on only when an OTLP
 * endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT for traces
 * alone). Validated here so a typo stops the start with one line; the SDK reads the same
 * variables (and OTEL_EXPORTER_OTLP_HEADERS, OTEL_BSP_*, OTEL_RESOURCE_ATTRIBUTES) itself.
 */
export interface TracingConfig {
  /** Where spans are POSTed: the traces endpoint as given, or the base endpoint + /v1/traces. */
  readonly tracesUrl: string;
  readonly protocol: OtlpProtocol;
  readonly serviceName: string;
}

export function tracingConfig(env: Env): TracingConfig | undefined {
  const traces = str(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = str(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  // The specification's third protocol, named apart so that its refusal can say why.
  const protocol =
    str(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') === 'grpc'
      ? 'grpc'
      : oneOf(env, 'OTEL_EXPORTER_OTLP_PROTOCOL', OTLP_PROTOCOLS, 'http/protobuf');
  oneOf(env, 'OTEL_TRACES_SAMPLER', TRACES_SAMPLERS, 'parentbased_always_on');
  const ratioText = str(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (ratioText !== undefined && !/^(0|1|0?\.\d+|1\.0*)$/.test(ratioText)) {
    throw new ConfigError(
      `OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1, got "${ratioText}"`,
    );
  }
  const serviceName = str(env, 'OTEL_SERVICE_NAME', 'proofgate');
  if (traces === undefined && base === undefined) return undefined;
  if (protocol === 'grpc') {
    throw new ConfigError(
      'OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http/protobuf (the default) or http/json',
    );
  }
  const tracesUrl =
    traces !== undefined
      ? httpUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces)
      : `${httpUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', base ?? '')}/v1/traces`;
  return { tracesUrl, protocol, serviceName };
}

/**
 * The tracing settings of this process, read before the application is loaded (src/main.ts must
 * start tracing before the HTTP platform and mongodb are required). An invalid value gives
 * undefined here: `loadConfigOrExit` then stops the start with its one line.
 */
export function processTracingConfig(): TracingConfig | undefined {
  try {
    return tracingConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/** The settings tracingConfig reads, as docs/CONFIGURATION.md states them (`npm run docs:config`). */
export const TRACING_SETTINGS: SettingsSection = {
  title: 'Traces',
  intro:
    "OpenTelemetry's standard variables (see [Traces](OPERATIONS.md#traces)); the SDK also reads " +
    'its others itself (`OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_*`, `OTEL_RESOURCE_ATTRIBUTES`).',
  settings: [
    {
      name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      type: text('an http(s) URL'),
      default: { unset: 'none (tracing off)' },
      description:
        'OpenTelemetry traces over OTLP/HTTP to this base URL (`/v1/traces` is added); unset, no ' +
        'OpenTelemetry SDK is loaded.',
    },
    {
      name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      type: text('an http(s) URL'),
      default: { unset: 'none' },
      description: 'The traces URL itself, instead of the base endpoint (also turns tracing on).',
    },
    {
      name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
      type: choice(OTLP_PROTOCOLS),
      default: 'http/protobuf',
      description: 'The body of the OTLP requests (`grpc` is refused).',
    },
    {
      name: 'OTEL_SERVICE_NAME',
      type: text('a name'),
      default: 'proofgate',
      description: "The traces' `service.name`.",
    },
    {
      name: 'OTEL_TRACES_SAMPLER',
      type: choice(TRACES_SAMPLERS),
      default: 'parentbased_always_on',
      description: "The specification's samplers.",
    },
    {
      name: 'OTEL_TRACES_SAMPLER_ARG',
      type: text('a ratio from 0 to 1'),
      default: '1',
      description: 'The ratio of the `traceidratio` samplers.',
    },
  ],
};
