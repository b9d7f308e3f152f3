import { Module } from '@nestjs/common';
import { MongooseModule, type MongooseModuleFactoryOptions } from '@nestjs/mongoose';
import { AppConfig } from '../../config/app-config';

/** The service's connection settings; the admin CLI opens its connection with them too. */
export function mongooseOptions(config: AppConfig): MongooseModuleFactoryOptions {
  return {
    uri: config.database.uri,
    appName: 'proofgate',
    serverSelectionTimeoutMS: config.database.serverSelectionTimeoutMs,
    // main.ts checks that the database answers before the app is built; a connection failing
    // after that fails the start-up at once rather than retrying nine times with a stack each.
    retryAttempts: 0,
    // Fail fast while the database is away (answered 503) instead of queueing requests.
    bufferCommands: false,
    // Indexes are created explicitly at start-up by the repositories that own them.
    autoIndex: false,
    // Command events: the round-trip budget tests and the write-concern checks read them. The
    // driver builds each event (a copy of the command and of the reply) whether or not anything
    // listens, about 80 µs of CPU per code exchange, so production, where nothing listens, has
    // none.
    monitorCommands: !config.isProduction,
  };
}

@Module({
  imports: [MongooseModule.forRootAsync({ inject: [AppConfig], useFactory: mongooseOptions })],
})
export class DatabaseModule {}
