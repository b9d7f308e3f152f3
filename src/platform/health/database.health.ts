import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { HealthService } from './health.service';

/**
 * Readiness of the database as a terminus indicator, on the `ping` /health sends. Terminus's own
 * MongooseHealthIndicator only reads the connection's state, which stays "connected" for up to a
 * heartbeat (10 s) after the server is gone.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly health: HealthService,
  ) {}

  async ping(key: string): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    const report = await this.health.check();
    const { database } = report.checks;
    return database.status === 'up' ? check.up({ latency_ms: database.latency_ms }) : check.down();
  }
}
