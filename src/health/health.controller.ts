import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService } from './health.service';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async check(@Res({ passthrough: true }) response: Response) {
    const report = await this.health.check();
    if (report.status === 'ok') return report;
    response.status(503).setHeader('Retry-After', '5');
    return {
      error: 'temporarily_unavailable',
      error_description: 'The database is unreachable',
      ...report,
    };
  }
}
