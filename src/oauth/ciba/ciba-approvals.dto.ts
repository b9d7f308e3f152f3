import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { CsrfTokenField } from '../../platform/http/form-fields';

/** POST /account/approvals/{id}/approve and /deny: the page's CSRF token (form or JSON). */
export class ApprovalAnswerDto {
  @CsrfTokenField()
  csrf_token?: string;
}

/** The `{id}` of an approval: the request's opaque id (43 base64url characters). */
export class ApprovalIdDto {
  @ApiProperty({ example: 'q2xlYXJseS1ub3QtYS1yZWFsLXJlcXVlc3QtaGFzaDE' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'id is not an approval id' })
  id!: string;
}

/** One pending request (JSON of GET /account/approvals). */
export class PendingApprovalDto {
  @ApiProperty({
    description: 'Opaque id of the request (never its auth_req_id)',
    example: 'q2xlYXJseS1ub3QtYS1yZWFsLXJlcXVlc3QtaGFzaDE',
  })
  id!: string;

  @ApiProperty({ example: 'agent' })
  client_id!: string;

  @ApiProperty({ example: 'Payment agent' })
  client_name!: string;

  @ApiPropertyOptional({ example: 'Invoice 4711' })
  binding_message?: string;

  @ApiPropertyOptional({
    description: 'RFC 9396: what the request asks for, as the client sent it',
    type: 'array',
    items: { type: 'object' },
  })
  authorization_details?: Record<string, unknown>[];

  @ApiProperty({
    type: [String],
    description: 'Each authorization detail as its type’s template reads',
    example: ['Pay 12.00 EUR to X'],
  })
  rendered!: string[];

  @ApiProperty({ example: 'openid api' })
  scope!: string;

  @ApiProperty({ example: '2026-01-01T00:10:00.000Z' })
  expires_at!: string;
}

/** GET /account/approvals with Accept: application/json. */
export class PendingApprovalsDto {
  @ApiProperty({ type: [PendingApprovalDto], description: 'Pending requests, newest first' })
  approvals!: PendingApprovalDto[];

  @ApiProperty({ description: 'For the approve and deny posts' })
  csrf_token!: string;
}

/** An answer taken (JSON). */
export class ApprovalAnsweredDto {
  @ApiProperty({ example: 'q2xlYXJseS1ub3QtYS1yZWFsLXJlcXVlc3QtaGFzaDE' })
  id!: string;

  @ApiProperty({ enum: ['approved', 'denied'], example: 'approved' })
  status!: 'approved' | 'denied';
}
