import cluster from 'node:cluster';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { demoDataWarning } from './accounts/users/demo-user.seeder';
import { APP_OPTIONS, configureApp, httpAdapter } from './app.setup';
import { ConfigError } from './config/env-parsers';
import type { AppConfig } from './config/app-config';
import { invalidConfigurationLines } from './config/load-config';
import { HttpDrain } from './platform/http/http-drain';
import { listenFailure, readyBanner } from './platform/startup/ready-banner';
import { migrateBeforeServing } from './migrations/migrate-on-start';
import { SERVICE_VERSION } from './platform/version';
import { SigningKeyDecryptionError } from './tokens/signing-keys/signing-key.service';

/**
 * The one line for a start that failed in a way the operator must mend: the port, a
 * KEY_ENCRYPTION_SECRET that does not open the stored signing keys (a new secret on every
 * `docker compose up` would otherwise crash-loop with a stack trace), or configuration only the
 * modules can check (OAUTH_CLIENTS' grant types, by the grants' rules: a line per problem, as
 * loadConfigOrExit writes them). Anything else is a bug.
 */
function startFailure(error: unknown, config: AppConfig): string | undefined {
  if (error instanceof SigningKeyDecryptionError) return error.message;
  if (error instanceof ConfigError) {
    return invalidConfigurationLines(error).join('\n');
  }
  return listenFailure(error, config);
}

/**
 * Starts the service on a configuration main.ts has checked and a database that answered: its
 * pending migrations run (or another instance's are waited for), then the application's modules
 * load, once nothing refused the start. A start that cannot go on is
 * closed and answered with its lines (what happened and what to do), which main.ts writes before
 * it exits, as it writes the preflights' refusals; anything else is thrown.
 */
export async function startApp(config: AppConfig): Promise<string | undefined> {
  // The database at this build's data version first: until then the instance does not listen.
  const refused = await migrateBeforeServing(config.database, config.server);
  if (refused) return refused;
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    httpAdapter(config.server),
    APP_OPTIONS,
  );
  configureApp(app);
  try {
    await app.listen(config.server.port, config.server.host);
  } catch (error) {
    const line = startFailure(error, config);
    if (!line) throw error;
    await app.close().catch(() => undefined);
    return line;
  }
  app.get(HttpDrain).stopOnSignals(app, config.server.shutdownGraceSeconds * 1000);
  const banner = readyBanner(config);
  if (config.server.isProduction) {
    const logger = app.get(Logger);
    logger.log(`${banner[0]} (issuer ${config.server.issuer}, version ${SERVICE_VERSION})`);
    // Repeated beside the ready line, where an operator looks once the start is over.
    if (config.oauth.seedDemoData) logger.warn(demoDataWarning());
    if (config.server.allowInsecureIssuer && config.server.issuer.startsWith('http:')) {
      logger.warn(
        `ALLOW_INSECURE_ISSUER=true: serving the http issuer ${config.server.issuer} in production; cookies are not Secure and codes and tokens cross the network in clear text`,
      );
    }
  } else if (config.server.logLevel !== 'silent' && (cluster.worker?.id ?? 1) === 1) {
    // One banner per instance: the first worker's, where there are several (WORKERS).
    process.stdout.write(`\n${banner.join('\n')}\n\n`);
  }
  return undefined;
}
