import { AppConfig } from './app-config';
import { ConfigError } from './env-parsers';
import { tracingConfig } from './tracing-config';

describe('tracingConfig (the OTEL_* variables)', () => {
  it('is off without an OTLP endpoint, whatever else is set', () => {
    expect(
      tracingConfig({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
    ).toBe(undefined);
  });

  it('posts to the base endpoint + /v1/traces, or to the traces endpoint as given', () => {
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      serviceName: 'proofgate',
    });
    expect(
      tracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'auth-eu',
      }),
    ).toEqual({
      tracesUrl: 'https://traces.example/otlp',
      protocol: 'http/json',
      serviceName: 'auth-eu',
    });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /grpc is not supported/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' }, /OTEL_EXPORTER_OTLP_PROTOCOL must be one of/],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER must be one of/],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, /OTEL_TRACES_SAMPLER_ARG must be a ratio/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be/],
  ])('refuses %j with one line', (env, problem) => {
    const read = () => tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', ...env });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(problem);
  });

  it('is part of the service configuration, its problems among the others', () => {
    const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate' };
    expect(AppConfig.fromEnv(base).tracing).toBeUndefined();
    expect(
      AppConfig.fromEnv({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).tracing
        ?.tracesUrl,
    ).toBe('http://c:4318/v1/traces');
    expect(() =>
      AppConfig.fromEnv({
        ...base,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_TRACES_SAMPLER_ARG: 'x',
      }),
    ).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});
