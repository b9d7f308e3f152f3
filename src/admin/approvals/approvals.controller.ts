import { Controller, Get, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MaxLength } from 'class-validator';
import { APPROVAL_AUDIT_LISTED } from '../../accounts/approval-audit/approval-audit';
import { AdminApprovalPageDto } from '../api/admin-api.dto';
import { AdminRead } from '../api/admin-route';
import { ApprovalAdministration } from './approval-administration.service';
import { approvalJson } from './approval-json';

export class ApprovalQueryDto {
  @ApiProperty({ description: 'The account subject whose answers', example: 'alice' })
  @IsString()
  @MaxLength(512)
  account!: string;

  @ApiProperty({
    required: false,
    minimum: 1,
    maximum: 1000,
    default: APPROVAL_AUDIT_LISTED,
    example: 20,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** `/admin/v1/approvals`: `proofgate-admin approvals list` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/approvals')
export class ApprovalsAdminController {
  constructor(private readonly approvals: ApprovalAdministration) {}

  @Get()
  @AdminRead(
    'approvals.list',
    "An account's answers to CIBA requests, newest first (the newest `limit`)",
    AdminApprovalPageDto,
  )
  async list(@Query() query: ApprovalQueryDto) {
    const items = await this.approvals.listOf(query.account, query.limit ?? APPROVAL_AUDIT_LISTED);
    return { items: items.map(approvalJson), next: null };
  }
}
