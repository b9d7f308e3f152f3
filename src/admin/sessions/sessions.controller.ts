import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import { AdminSessionDto, AdminSessionPageDto, AdminSessionsEndedDto } from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { SESSION_ID } from '../api/admin-openapi';
import { AdminAction, AdminChange, AdminRead } from '../api/admin-route';
import { endedJson } from '../io/ended-json';
import {
  MAX_LISTED_SESSIONS,
  revokedSessionJson,
  SessionAdministration,
  sessionJson,
} from './session-administration.service';

export class SessionOwnerDto {
  @ApiProperty({ description: 'The account whose sessions', example: 'alice' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  user!: string;
}

export class SessionListQueryDto extends SessionOwnerDto {
  @ApiProperty({
    required: false,
    description: `At most this many, newest sign-in first (default and most: ${MAX_LISTED_SESSIONS})`,
    example: 20,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LISTED_SESSIONS)
  limit?: number;
}

/**
 * `/admin/v1/sessions`: `proofgate-admin sessions …` over HTTP. An account's live sessions are
 * few (one per browser it signed in from): a listing is one page of the newest, at most
 * MAX_LISTED_SESSIONS, `next` always null.
 */
@ApiTags('admin')
@Controller('admin/v1/sessions')
export class SessionsAdminController {
  constructor(private readonly sessions: SessionAdministration) {}

  @Get()
  @AdminRead(
    'sessions.list',
    "An account's live login sessions, newest sign-in first (user required)",
    AdminSessionPageDto,
  )
  async list(@Query() query: SessionListQueryDto) {
    const list = await this.sessions.list(query.user, query.limit ?? MAX_LISTED_SESSIONS);
    return { items: list.map(sessionJson), next: null };
  }

  @Get(':sid')
  @AdminRead(
    'sessions.show',
    'One live session of the account (?user=); ETag for its revocation',
    AdminSessionDto,
    SESSION_ID,
  )
  async show(
    @Param('sid') sid: string,
    @Query() { user }: SessionOwnerDto,
    @Exchange() admin: AdminExchange,
  ) {
    return admin.tagged(sessionJson(await this.sessions.show(user, sid)));
  }

  @Delete(':sid')
  @AdminChange(
    'sessions.revoke',
    'End one session of the account (?user=; If-Match required): its grants revoked, its clients told by back-channel logout',
    AdminSessionDto,
    SESSION_ID,
  )
  async revoke(
    @Param('sid') sid: string,
    @Query() { user }: SessionOwnerDto,
    @Exchange() admin: AdminExchange,
  ) {
    admin.ifMatch(sessionJson(await this.sessions.show(user, sid)));
    return revokedSessionJson(await this.sessions.revoke(user, sid, admin.call));
  }

  @Post('revoke')
  @AdminAction(
    'sessions.revoke_all',
    "End every live session of the account, as the account page's Sign out everywhere",
    AdminSessionsEndedDto,
  )
  async revokeAll(@Body() body: SessionOwnerDto, @Exchange() admin: AdminExchange) {
    return endedJson(await this.sessions.revokeAll(body.user, admin.call));
  }
}
