import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AdminConsentPageDto, AdminRevokedCountDto } from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { AdminAction, AdminRead } from '../api/admin-route';
import { ConsentAdministration } from './consent-administration.service';
import { consentJson } from './consent-json';

export class ConsentUserDto {
  @ApiProperty({ description: 'The subject whose consents', example: 'alice' })
  @IsString()
  @MaxLength(512)
  user!: string;
}

export class ConsentRevocationDto extends ConsentUserDto {
  @ApiProperty({
    required: false,
    description: 'Only at this client (default: every client)',
    example: 'partner-app',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  client?: string;
}

/** `/admin/v1/consents`: `proofgate-admin consents …` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/consents')
export class ConsentsAdminController {
  constructor(private readonly consents: ConsentAdministration) {}

  @Get()
  @AdminRead(
    'consents.list',
    "A user's remembered consents (one per client: a single page)",
    AdminConsentPageDto,
  )
  async list(@Query() query: ConsentUserDto) {
    return { items: (await this.consents.list(query.user)).map(consentJson), next: null };
  }

  @Post('revoke')
  @AdminAction(
    'consents.revoke',
    'Forget what a user allowed one client, or every client (an action: no If-Match)',
    AdminRevokedCountDto,
  )
  async revoke(@Body() body: ConsentRevocationDto, @Exchange() admin: AdminExchange) {
    return { revoked: await this.consents.revoke(body.user, body.client, admin.call) };
  }
}
