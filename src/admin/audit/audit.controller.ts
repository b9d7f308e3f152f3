import { Controller, Get, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { AdminAuditPageDto } from '../api/admin-api.dto';
import { PageQueryDto, readPage } from '../api/admin-pages';
import { AdminRead } from '../api/admin-route';
import type { AdminActor, AdminAuditRecord, AdminOutcome } from './admin-audit';
import { AdminAuditTrail } from './admin-audit.service';
import { AdminTextField } from '../api/admin-text-field';

export class AuditQueryDto extends PageQueryDto {
  @AdminTextField({
    description: 'An action: clients.create, users.disable, ...',
    example: 'users.disable',
    optional: true,
    maxLength: 64,
  })
  action?: string;

  @AdminTextField({
    description: "An admin client's id, an operator's account (the console), or cli",
    example: 'cli',
    optional: true,
  })
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
  @AdminRead(
    'audit.list',
    'The audit trail, newest first, a page at a time, with filters',
    AdminAuditPageDto,
  )
  list(@Query() query: AuditQueryDto) {
    const { action, actor, outcome, since, until } = query;
    const filter = {
      ...(action === undefined ? {} : { action }),
      ...(actor === undefined ? {} : { actor }),
      ...(outcome === undefined ? {} : { outcome }),
      ...(since === undefined ? {} : { since: new Date(since) }),
      ...(until === undefined ? {} : { until: new Date(until) }),
    };
    // Newest first: the page after a cursor's record holds those before it.
    return readPage(
      query,
      ({ after, limit }) =>
        this.trail.list(filter, { ...(after === undefined ? {} : { before: after }), limit }),
      (record) => record.id,
      auditJson,
    );
  }
}
