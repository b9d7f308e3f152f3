import { AppConfig } from './app-config';
import { ConfigError, Env, str } from './env-parsers';

/** What an operator reads of `error`: one line per problem. */
export function invalidConfigurationLines(error: ConfigError): string[] {
  return error.problems.map((problem) => `Invalid configuration: ${problem}`);
}

/**
 * Validates the environment before anything is built or started; invalid values end the process
 * with one line per variable.
 */
export function loadConfigOrExit(): AppConfig {
  try {
    return AppConfig.fromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of invalidConfigurationLines(error)) process.stderr.write(`${line}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * The admin CLI's configuration: the service's own rules, except that MONGODB_URI and
 * KEY_ENCRYPTION_SECRET are required in every environment (the CLI never starts a database of its own) and demo data is never
 * seeded (an operator's shell pointed at production may well have NODE_ENV unset), and the
production preflight of a served instance (issuer scheme, lab) is skipped: the CLI serves nothing. Throws
 * ConfigError naming the variable.
 */
export function loadAdminConfig(env: Env = process.env): AppConfig {
  if (str(env, 'MONGODB_URI') === undefined) {
    // Outside production the reader is likely in a checkout, where `npm run admin` finds it.
    const checkout =
      env.NODE_ENV === 'production'
        ? ''
        : " (in a checkout, `npm run admin -- <command>` uses the running `npm start`'s)";
    throw new ConfigError(
      `MONGODB_URI is required: the connection string of the service's MongoDB${checkout}`,
    );
  }
  // Also outside production: without it the CLI would seal or open signing keys with a secret of
  // its own, which the service cannot open (or which cannot open the service's).
  if (str(env, 'KEY_ENCRYPTION_SECRET') === undefined) {
    throw new ConfigError(
      "KEY_ENCRYPTION_SECRET is required: the service's own (in development, `npm start` keeps it in .data/key-encryption-secret)",
    );
  }
  return AppConfig.fromEnv({ ...env, SEED_DEMO_DATA: 'false' }, { serves: false });
}
