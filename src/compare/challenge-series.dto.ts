import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ALL_MODEL_IDS, type ChallengeModel } from '../proofs/proof-vocabulary';
import { LatencyFiguresDto } from './challenge-models.dto';

export const SERIES_MAX_MINUTES = 180;

export class ChallengeSeriesQueryDto {
  @ApiProperty({
    required: false,
    description: 'How many minutes back from now, the current minute included',
    minimum: 1,
    maximum: SERIES_MAX_MINUTES,
    default: 60,
    example: 60,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(SERIES_MAX_MINUTES)
  minutes?: number;
}

/** One model's figures over one minute. */
export class ChallengeMinutePointDto {
  @ApiProperty({ description: 'Start of the minute', example: '2026-01-01T00:00:00.000Z' })
  minute!: string;

  @ApiProperty({ example: 3 })
  issued!: number;

  @ApiProperty({ example: 2 })
  redeemed!: number;

  @ApiProperty({
    description: 'Expired unredeemed during this minute (up to now for the current minute)',
    example: 1,
  })
  expired!: number;

  @ApiProperty({ description: 'Redemptions refused, all reasons', example: 1 })
  rejected!: number;

  @ApiProperty({
    description: 'Issue to redemption of the codes or nonces redeemed in this minute, ms',
    type: LatencyFiguresDto,
  })
  redemption_latency_ms!: LatencyFiguresDto;
}

export class ChallengeModelSeriesDto {
  @ApiProperty({ enum: ALL_MODEL_IDS, example: 'pkce' })
  id!: ChallengeModel;

  @ApiProperty({
    description: 'Oldest minute first, one per minute',
    type: [ChallengeMinutePointDto],
  })
  points!: ChallengeMinutePointDto[];
}

export class ChallengeSeriesResponseDto {
  @ApiProperty({ example: '2026-01-01T00:59:30.000Z' })
  generated_at!: string;

  @ApiProperty({ example: 60 })
  minutes!: number;

  @ApiProperty({ type: [ChallengeModelSeriesDto] })
  models!: ChallengeModelSeriesDto[];

  @ApiProperty({
    description:
      'DPoP (issued: proofs accepted, their jti recorded) and PAR (issued: request_uris pushed; redeemed: used)',
    type: [ChallengeModelSeriesDto],
  })
  proof_of_possession!: ChallengeModelSeriesDto[];
}
