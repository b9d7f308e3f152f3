import { AppConfig } from './app-config';
import { ConfigError } from './env-parsers';

/** Validates the environment before anything starts; a bad value ends the process with its name. */
export function loadConfigOrExit(): AppConfig {
  try {
    return AppConfig.fromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
