import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DatabaseCheckDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status!: 'up' | 'down';

  @ApiPropertyOptional({ description: 'Round trip of the ping, when up', example: 1.4 })
  latency_ms?: number;
}

export class HealthChecksDto {
  @ApiProperty({ description: 'A `ping` to the database', type: DatabaseCheckDto })
  database!: DatabaseCheckDto;
}

/** GET /health: 200 with status ok, or 503 when the database is unreachable. */
export class HealthReportDto {
  @ApiProperty({ enum: ['ok', 'unavailable'], example: 'ok' })
  status!: 'ok' | 'unavailable';

  @ApiProperty({ type: HealthChecksDto })
  checks!: HealthChecksDto;

  @ApiProperty({
    description: 'The release answering (semantic versioning; CHANGELOG.md)',
    example: '1.0.0',
  })
  version!: string;
}

/** The 503 answer: the error envelope and the report together. */
export class HealthUnavailableDto extends HealthReportDto {
  @ApiProperty({ example: 'temporarily_unavailable' })
  error!: string;

  @ApiProperty({ example: 'The database is unreachable' })
  error_description!: string;
}
