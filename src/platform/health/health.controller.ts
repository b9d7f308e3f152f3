import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { HttpResponse } from '../http/http-exchange';
import { HttpDrain } from '../http/http-drain';
import { DatabaseHealthIndicator } from './database.health';
import { HealthReportDto, HealthUnavailableDto } from './health-report.dto';
import { HealthService } from './health.service';
import { ProbeReportDto, ProbeUnavailableDto } from './probe-report.dto';
import { unavailable } from './unavailable';

/**
 * GET /health, the database ping, and the probes for orchestrators (Kubernetes `livenessProbe` /
 * `readinessProbe`, load balancers). Liveness never looks at the database: a database outage must
 * not get healthy processes restarted, only taken out of rotation by readiness.
 */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly report: HealthService,
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly drain: HttpDrain,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Database ping: 200, or 503 when the database is unreachable' })
  @ApiOkResponse({ type: HealthReportDto })
  @ApiServiceUnavailableResponse({ type: HealthUnavailableDto })
  @Header('Cache-Control', 'no-store')
  async check(
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<HealthReportDto | HealthUnavailableDto> {
    const report = await this.report.check();
    if (report.status === 'ok') return report;
    return unavailable(response, 'The database is unreachable', report);
  }

  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: 200 while the process serves requests (no database check)' })
  @ApiOkResponse({ type: ProbeReportDto })
  @Header('Cache-Control', 'no-store')
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary:
      'Readiness: database ping; 503 when the database is unreachable or the process is stopping',
  })
  @ApiOkResponse({ type: ProbeReportDto })
  @ApiServiceUnavailableResponse({ type: ProbeUnavailableDto })
  @Header('Cache-Control', 'no-store')
  async ready(
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<HealthCheckResult | ProbeUnavailableDto> {
    if (this.drain.draining) {
      return unavailable(response, 'The instance is shutting down', {
        status: 'error',
        details: {},
      });
    }
    try {
      return await this.health.check([() => this.database.ping('database')]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      // Terminus's own `error` key (the failed checks) would clash with the envelope's.
      return unavailable(response, 'The database is unreachable', {
        status: 'error',
        details: result.details,
      });
    }
  }
}
