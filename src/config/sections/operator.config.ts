import { EnvReader } from '../env-reader';
import { ServerConfig } from './server.config';

/** What operators see: /metrics, /docs, the live figures, and the token that opens them. */
export abstract class OperatorConfig {
  /** Bearer token for operator views (/challenge-models/live in production); unset: none. */
  abstract readonly adminToken?: string;
  /**
   * Serve /metrics and /docs (with /docs-json) to anyone. When off, only a request carrying
   * `Authorization: Bearer <ADMIN_TOKEN>` gets them, and without an ADMIN_TOKEN nobody does.
   * On by default outside production, off in production.
   */
  abstract readonly metricsEnabled: boolean;
  abstract readonly docsEnabled: boolean;
}

export function readOperatorConfig(env: EnvReader, server: ServerConfig): OperatorConfig {
  const adminToken = env.str('ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 32) {
    env.problem('ADMIN_TOKEN must be at least 32 characters');
  }
  return Object.freeze({
    ...(adminToken ? { adminToken } : {}),
    metricsEnabled: env.bool('METRICS_ENABLED', !server.isProduction),
    docsEnabled: env.bool('DOCS_ENABLED', !server.isProduction),
  });
}
