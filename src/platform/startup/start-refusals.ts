import { AppConfig } from '../../config/app-config';
import { ConfigError, type Env } from '../../config/env-parsers';
import { invalidConfigurationLines } from '../../config/load-config';
import { databaseUnreachable } from '../database/database-preflight';
import { portUnavailable } from './port-preflight';

/**
 * What refuses a start before anything is built or started (start-check.ts, `npm start`'s first
 * step), a line per problem: every invalid variable of `env`; else a taken PORT and, unless the
 * launcher starts the database itself (`embeddedDatabase`), a database that does not answer.
 * None: the start may go on.
 */
export async function startRefusals(env: Env, embeddedDatabase: boolean): Promise<string[]> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return invalidConfigurationLines(error);
    throw error;
  }
  const problems = await Promise.all([
    portUnavailable(config),
    embeddedDatabase ? Promise.resolve(undefined) : databaseUnreachable(config.database),
  ]);
  return problems.filter((line): line is string => line !== undefined);
}
