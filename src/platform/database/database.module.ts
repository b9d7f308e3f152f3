import { Module } from '@nestjs/common';
import { MongooseModule, type MongooseModuleFactoryOptions } from '@nestjs/mongoose';
import { DatabaseConfig } from '../../config/sections/database.config';
import { ServerConfig } from '../../config/sections/server.config';
import { DatabaseWatchdog, connectionOptions } from './database-watchdog';

/** The service's connection settings; the admin CLI opens its connection with them too. */
export function mongooseOptions(
  database: DatabaseConfig,
  server: ServerConfig,
): MongooseModuleFactoryOptions {
  return {
    uri: database.uri,
    ...connectionOptions(database, server),
    // main.ts checks that the database answers before the app is built; a connection failing
    // after that fails the start-up at once rather than retrying nine times with a stack each.
    retryAttempts: 0,
  };
}

@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [DatabaseConfig, ServerConfig],
      useFactory: mongooseOptions,
    }),
  ],
  providers: [DatabaseWatchdog],
})
export class DatabaseModule {}
