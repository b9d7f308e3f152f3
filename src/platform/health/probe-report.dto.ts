import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class ProbeIndicatorDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status!: 'up' | 'down';
}

/** @nestjs/terminus's report: `details` holds every check, `info`/`error` split them by outcome. */
export class ProbeReportDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';

  @ApiPropertyOptional({ example: { database: { status: 'up' } } })
  info?: Record<string, ProbeIndicatorDto>;

  @ApiPropertyOptional({ example: {} })
  error?: Record<string, ProbeIndicatorDto>;

  @ApiProperty({ example: { database: { status: 'up' } } })
  details!: Record<string, ProbeIndicatorDto>;
}

/** The 503 answer of /health/ready: the error envelope with the checks (none when stopping). */
export class ProbeUnavailableDto {
  @ApiProperty({ example: 'temporarily_unavailable' })
  error!: string;

  @ApiProperty({ example: 'The database is unreachable' })
  error_description!: string;

  @ApiProperty({ enum: ['error'], example: 'error' })
  status!: 'error';

  @ApiProperty({ example: { database: { status: 'down' } } })
  details!: Record<string, ProbeIndicatorDto>;
}
