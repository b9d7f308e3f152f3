import { Controller, Get, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import {
  SECURITY_EVENT_TYPES,
  type SecurityEventType,
} from '../../telemetry/security-events/security-event.log';
import { PageQueryDto, readInstantPage } from '../api/admin-pages';
import { AdminRead } from '../api/admin-route';
import { AdminSecurityEventPageDto } from './security-event.dto';
import { SecurityEventAdministration } from './security-event-administration.service';
import { securityEventJson } from './security-event-json';

export class SecurityEventQueryDto extends PageQueryDto {
  @ApiProperty({
    required: false,
    enum: SECURITY_EVENT_TYPES,
    description: 'Only events of this type',
    example: 'refresh_token_reuse',
  })
  @IsOptional()
  @IsIn(SECURITY_EVENT_TYPES)
  type?: SecurityEventType;

  @ApiProperty({
    required: false,
    description: 'Windows whose first event is at or after this time (RFC 3339)',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}

/** `/admin/v1/security-events`: `proofgate-admin security-events list` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/security-events')
export class SecurityEventsAdminController {
  constructor(private readonly events: SecurityEventAdministration) {}

  @Get()
  @AdminRead(
    'security_events.list',
    'Attacks the service stopped, newest first: a window per type, source and minute, with its count (kept 90 days)',
    AdminSecurityEventPageDto,
  )
  list(@Query() query: SecurityEventQueryDto) {
    const { type, since } = query;
    const filter = {
      ...(type === undefined ? {} : { type }),
      ...(since === undefined ? {} : { since: new Date(since) }),
    };
    return readInstantPage(
      query,
      (page) => this.events.page(filter, page),
      (event) => event,
      securityEventJson,
    );
  }
}
