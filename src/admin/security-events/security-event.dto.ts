import { ApiProperty } from '@nestjs/swagger';
import { SECURITY_EVENT_TYPES } from '../../telemetry/security-events/security-event.log';
import { pageDto } from '../api/admin-api.dto';

/** A window of security events as `GET /admin/v1/security-events` answers it (securityEventJson). */
export class AdminSecurityEventDto {
  @ApiProperty({ example: 'Vb3p0hJ3cV1l8m1kqW2p6zq4x7b0Zc9yKfE2sR5tUaQ' })
  id!: string;

  @ApiProperty({ enum: SECURITY_EVENT_TYPES, example: 'refresh_token_reuse' })
  type!: string;

  @ApiProperty({
    description:
      'Where the refused requests came from, by the detail that names it for the type: client_id ' +
      '(a replayed code, a reused refresh token), address (a wallet), ceremony (a WebAuthn challenge), ' +
      'sub (a passkey counter), provider (an upstream sign-in state)',
    example: { client_id: 'billing' },
  })
  source!: Record<string, string>;

  @ApiProperty({ description: 'Events of this type from this source in the minute', example: 3 })
  count!: number;

  @ApiProperty({ description: "The minute's first event", example: '2026-11-28T09:00:12.000Z' })
  at!: string;

  @ApiProperty({ description: "The minute's latest event", example: '2026-11-28T09:00:41.000Z' })
  last_at!: string;

  @ApiProperty({
    description:
      "The first event's details: identifiers, and hash prefixes of what was presented (never a code, token or nonce)",
    example: { client_id: 'billing', grant_id: 'g-7Qw', token: 'sha256:3kP0aB1c' },
  })
  details!: Record<string, string>;
}

export class AdminSecurityEventPageDto extends pageDto(AdminSecurityEventDto) {}
