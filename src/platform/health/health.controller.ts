import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Controller, Get, Header, Res } from '@nestjs/common';
import type { HttpResponse } from '../http/http-exchange';
import { HealthReportDto, HealthUnavailableDto } from './health-report.dto';
import { HealthService } from './health.service';
import { unavailable } from './unavailable';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Database ping: 200, or 503 when the database is unreachable' })
  @ApiOkResponse({ type: HealthReportDto })
  @ApiServiceUnavailableResponse({ type: HealthUnavailableDto })
  @Header('Cache-Control', 'no-store')
  async check(
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<HealthReportDto | HealthUnavailableDto> {
    const report = await this.health.check();
    if (report.status === 'ok') return report;
    return unavailable(response, 'The database is unreachable', report);
  }
}
