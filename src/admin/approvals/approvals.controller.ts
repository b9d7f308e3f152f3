import { Controller, Get, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { AdminApprovalPageDto } from '../api/admin-api.dto';
import { PageQueryDto, readInstantPage } from '../api/admin-pages';
import { AdminRead } from '../api/admin-route';
import { ApprovalAdministration } from './approval-administration.service';
import { approvalJson } from './approval-json';
import { AdminTextField } from '../api/admin-text-field';

export class ApprovalQueryDto extends PageQueryDto {
  @AdminTextField({ description: 'The account subject whose answers', example: 'alice' })
  account!: string;

  @ApiProperty({
    required: false,
    enum: ['approved', 'denied'],
    description: 'Only the answers with this outcome',
    example: 'denied',
  })
  @IsOptional()
  @IsIn(['approved', 'denied'])
  outcome?: 'approved' | 'denied';
}

/** `/admin/v1/approvals`: `proofgate-admin approvals list` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/approvals')
export class ApprovalsAdminController {
  constructor(private readonly approvals: ApprovalAdministration) {}

  @Get()
  @AdminRead(
    'approvals.list',
    "An account's answers to CIBA requests, newest first (outcome filters): one indexed find a page",
    AdminApprovalPageDto,
  )
  list(@Query() query: ApprovalQueryDto) {
    const { account, outcome } = query;
    const filter = { sub: account, ...(outcome === undefined ? {} : { decision: outcome }) };
    return readInstantPage(
      query,
      (page) => this.approvals.page(filter, page),
      (record) => record,
      approvalJson,
    );
  }
}
