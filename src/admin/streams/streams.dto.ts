import { ApiProperty } from '@nestjs/swagger';
import { pageDto } from '../api/admin-api.dto';

/** A receiver's Shared Signals stream, as `streams list --json` prints it (streamJson). */
export class AdminStreamDto {
  @ApiProperty({ example: 'Zk3vQm9xT2uLr8wA' })
  stream_id!: string;

  @ApiProperty({ description: 'The receiver client (ssf_receiver)', example: 'risk-engine' })
  receiver!: string;

  @ApiProperty({ enum: ['push', 'poll'], example: 'push' })
  delivery!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "A push stream's endpoint_url; null for a poll stream",
    example: 'https://risk.example.com/ssf/events',
  })
  endpoint_url!: string | null;

  @ApiProperty({ enum: ['enabled', 'paused', 'disabled'], example: 'enabled' })
  status!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why its receiver set the status',
    example: null,
  })
  status_reason!: string | null;

  @ApiProperty({
    type: [String],
    example: ['https://schemas.openid.net/secevent/caep/event-type/session-revoked'],
  })
  events_delivered!: string[];

  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({
    description: 'SETs waiting: not yet accepted (push) or acknowledged (poll)',
    example: 3,
  })
  pending!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'How long the oldest waiting SET has waited, in seconds; null: none waits',
    example: 42,
  })
  lag_seconds!: number | null;
}

export class AdminStreamPageDto extends pageDto(AdminStreamDto) {}
