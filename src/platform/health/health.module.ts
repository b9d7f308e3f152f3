import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HttpDrain } from '../http/http-drain';
import { DatabaseHealthIndicator } from './database.health';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({
  // Failed checks are answered 503; they are not also logged with a stack on every probe.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [HealthService, DatabaseHealthIndicator, HttpDrain],
  exports: [HttpDrain],
})
export class HealthModule {}
