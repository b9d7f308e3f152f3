import { Module } from '@nestjs/common';
import pino from 'pino';
import type { DestinationStream } from 'pino';

/**
 * Where log lines are written: standard output in the service. An injection token of its own so
 * that a test can put a capturing stream in its place and read exactly what an operator would.
 */
export abstract class LogDestination implements DestinationStream {
  abstract write(line: string): void;
}

@Module({
  providers: [{ provide: LogDestination, useFactory: () => pino.destination() }],
  exports: [LogDestination],
})
export class LogDestinationModule {}
