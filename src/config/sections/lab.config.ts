import { EnvReader } from '../env-reader';
import { ServerConfig } from './server.config';

export abstract class LabConfig {
  /**
   * The /lab page may run the attack scenarios against this instance (off in production; there,
   * only with an ADMIN_TOKEN, which every run must present).
   */
  abstract readonly enabled: boolean;
}

export function readLabConfig(env: EnvReader, server: ServerConfig): LabConfig {
  return Object.freeze({ enabled: env.bool('LAB_ENABLED', !server.isProduction) });
}
