import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { HealthReportDto } from './health-report.dto';
import { SERVICE_VERSION } from '../version';

@Injectable()
export class HealthService {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** `ping` rather than `hello`: it is answered by every MongoDB-compatible server. */
  async check(): Promise<HealthReportDto> {
    const started = performance.now();
    try {
      const db = this.connection.db;
      if (!db) throw new Error('not connected');
      await db.command({ ping: 1 });
      const latency = Math.round((performance.now() - started) * 10) / 10;
      return {
        status: 'ok',
        checks: { database: { status: 'up', latency_ms: latency } },
        version: SERVICE_VERSION,
      };
    } catch {
      return {
        status: 'unavailable',
        checks: { database: { status: 'down' } },
        version: SERVICE_VERSION,
      };
    }
  }
}
