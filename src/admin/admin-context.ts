import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadAdminConfig } from '../config/load-config';
import { AdminModule } from './admin.module';

/** Runs `work` on a Nest application context of the admin module, closed afterwards. */
export type WithAdminContext = <T>(
  work: (app: INestApplicationContext) => Promise<T>,
) => Promise<T>;

/**
 * Validates the configuration, then starts the admin module without an HTTP server and without
 * logging: the CLI's output is its answer, and a failure is one line on stderr.
 */
export const withAdminContext: WithAdminContext = async (work) => {
  const config = loadAdminConfig();
  // abortOnError false: a failing start rejects here instead of ending the process.
  const app = await NestFactory.createApplicationContext(AdminModule.forConfig(config), {
    logger: false,
    abortOnError: false,
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
};
