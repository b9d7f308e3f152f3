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
import { ProbeReportDto, ProbeUnavailableDto } from './probe-report.dto';
import { unavailable } from './unavailable';

/**
 * Probes for orchestrators (Kubernetes `livenessProbe` / `readinessProbe`, load balancers).
 * Liveness never looks at the database: a database outage must not get healthy processes
 * restarted, only taken out of rotation by readiness.
 */
@ApiTags('operations')
@Controller('health')
export class ProbesController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly drain: HttpDrain,
  ) {}

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
