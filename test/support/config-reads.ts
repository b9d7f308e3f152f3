import { AppConfig } from '../../src/config/app-config';
import type { Env } from '../../src/config/env-parsers';

/** An environment the whole configuration reads in, with every optional reader on. */
export const EVERY_READER_ON: Env = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate',
  // Tracing on, so that its settings are read into the configuration too.
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
};

/**
 * The variables `AppConfig.fromEnv` looks up when it reads `env`, set or not: what the service
 * reads, seen by running its readers rather than by reading their source.
 */
export function variablesReadBy(env: Env = EVERY_READER_ON): Set<string> {
  const names = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') names.add(name);
      return Reflect.get(target, name) as unknown;
    },
  });
  AppConfig.fromEnv(recording);
  return names;
}
