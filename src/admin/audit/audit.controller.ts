import { ApiOkResponse } from '@nestjs/swagger';
import { AdminAuditPageDto } from '../api/admin-api.dto';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { decodeCursor, pageOf, pageSize, PageQueryDto } from '../api/admin-pages';
import { AdminRead } from '../api/admin-route';
import type { AdminActor, AdminAuditRecord, AdminOutcome } from './admin-audit';
import { AdminAuditTrail } from './admin-audit.service';

export class AuditQueryDto extends PageQueryDto {
  @ApiProperty({
    required: false,
    description: 'An action: clients.create, users.disable, ...',
    example: 'users.disable',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiProperty({
    required: false,
    description: "An admin client's id, an operator's account (the console), or cli",
    example: 'cli',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  actor?: string;

  @ApiProperty({ required: false, enum: ['done', 'refused', 'failed'], example: 'refused' })
  @IsOptional()
  @IsIn(['done', 'refused', 'failed'])
  outcome?: AdminOutcome;

  @ApiProperty({
    required: false,
    description: 'Records at or after this time (RFC 3339)',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiProperty({
    required: false,
    description: 'Records before this time (RFC 3339)',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}

function actorJson(actor: AdminActor) {
  switch (actor.kind) {
    case 'client':
      return { kind: 'client', client_id: actor.clientId };
    case 'operator':
      return { kind: 'operator', account: actor.account, client_id: actor.clientId };
    case 'cli':
      return { kind: 'cli', os_user: actor.osUser };
  }
}

/** An audit record as `GET /admin/v1/audit` answers it. */
export function auditJson(record: AdminAuditRecord) {
  return {
    id: record.id,
    at: record.at,
    actor: actorJson(record.actor),
    action: record.action,
    targets: record.targets,
    request_id: record.requestId,
    outcome: record.outcome,
    ...(record.reason === undefined ? {} : { reason: record.reason }),
  };
}

/** `/admin/v1/audit`: every administrative write, through the API or the CLI, newest first. */
@ApiTags('admin')
@Controller('admin/v1/audit')
export class AuditAdminController {
  constructor(private readonly trail: AdminAuditTrail) {}

  @Get()
  @AdminRead('audit.list')
  @ApiOkResponse({ type: AdminAuditPageDto })
  @ApiOperation({ summary: 'The audit trail, newest first, a page at a time, with filters' })
  async list(@Query() query: AuditQueryDto) {
    const limit = pageSize(query);
    const before = decodeCursor(query.cursor);
    const rows = await this.trail.list(
      {
        ...(query.action === undefined ? {} : { action: query.action }),
        ...(query.actor === undefined ? {} : { actor: query.actor }),
        ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
        ...(query.since === undefined ? {} : { since: new Date(query.since) }),
        ...(query.until === undefined ? {} : { until: new Date(query.until) }),
      },
      { ...(before === undefined ? {} : { before }), limit: limit + 1 },
    );
    return pageOf(rows, limit, (record) => record.id, auditJson);
  }
}
