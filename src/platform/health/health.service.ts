import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { HealthReportDto } from './health-report.dto';
import { SERVICE_VERSION } from '../version';

/**
 * How long /health and /health/ready wait for the database's `ping`: under the probes' own
 * timeouts (5 s in the Helm chart and compose), so that a server that holds its connections open
 * and answers nothing (a hung primary) is reported down by the check itself, not by the probe
 * giving up or by the request deadline 30 s later.
 */
export const HEALTH_PING_TIMEOUT_MS = 3000;

@Injectable()
export class HealthService {
  /** The ping in flight: checks meanwhile share it, so a hung server holds one command, not one a probe. */
  private inFlight: Promise<number> | undefined;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** `ping` rather than `hello`: it is answered by every MongoDB-compatible server. */
  async check(timeoutMs = HEALTH_PING_TIMEOUT_MS): Promise<HealthReportDto> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // The driver's own `timeoutMS` has no effect in 7.x (platform/http/request-deadline.ts).
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
      });
      const latency = await Promise.race([this.ping(), deadline]);
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
    } finally {
      clearTimeout(timer);
    }
  }

  /** The ping's round trip in ms (one decimal), shared by the checks made while it is out. */
  private ping(): Promise<number> {
    if (this.inFlight === undefined) {
      const ping = this.pingOnce();
      this.inFlight = ping;
      const settled = () => {
        if (this.inFlight === ping) this.inFlight = undefined;
      };
      ping.then(settled, settled);
    }
    return this.inFlight;
  }

  private async pingOnce(): Promise<number> {
    const started = performance.now();
    const db = this.connection.db;
    if (!db) throw new Error('not connected');
    await db.command({ ping: 1 });
    return Math.round((performance.now() - started) * 10) / 10;
  }
}
