import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import type { HttpResponse } from '../../platform/http/http-exchange';
import { AdminSessionDto, AdminSessionPageDto, AdminSessionsEndedDto } from '../api/admin-api.dto';
import { checkIfMatch, tagged } from '../api/admin-etag';
import { IF_MATCH, SESSION_ID } from '../api/admin-openapi';
import { type AdminApiRequest, AdminRead, AdminWrite } from '../api/admin-route';
import {
  MAX_LISTED_SESSIONS,
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
  @AdminRead('sessions.list')
  @ApiOkResponse({ type: AdminSessionPageDto })
  @ApiOperation({
    summary: "An account's live login sessions, newest sign-in first (user required)",
  })
  async list(@Query() query: SessionListQueryDto) {
    const list = await this.sessions.list(query.user, query.limit ?? MAX_LISTED_SESSIONS);
    return { items: list.map(sessionJson), next: null };
  }

  @Get(':sid')
  @AdminRead('sessions.show')
  @ApiOkResponse({ type: AdminSessionDto })
  @ApiParam(SESSION_ID)
  @ApiOperation({ summary: 'One live session of the account (?user=); ETag for its revocation' })
  async show(
    @Param('sid') sid: string,
    @Query() query: SessionOwnerDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    return tagged(response, sessionJson(await this.sessions.show(query.user, sid)));
  }

  @Delete(':sid')
  @AdminWrite('sessions.revoke')
  @ApiOkResponse({ type: AdminSessionDto })
  @ApiParam(SESSION_ID)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary:
      'End one session of the account (?user=; If-Match required): its grants revoked, its clients told by back-channel logout',
  })
  async revoke(
    @Param('sid') sid: string,
    @Query() query: SessionOwnerDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: AdminApiRequest,
  ) {
    checkIfMatch(ifMatch, sessionJson(await this.sessions.show(query.user, sid)));
    const ended = await this.sessions.revoke(query.user, sid, request.adminCall);
    return { ...sessionJson(ended), revoked: true };
  }

  @Post('revoke')
  @HttpCode(200)
  @AdminWrite('sessions.revoke_all')
  @ApiOkResponse({ type: AdminSessionsEndedDto })
  @ApiOperation({
    summary: "End every live session of the account, as the account page's Sign out everywhere",
  })
  async revokeAll(@Body() body: SessionOwnerDto, @Req() request: AdminApiRequest) {
    const { sessionsEnded, grantsRevoked } = await this.sessions.revokeAll(
      body.user,
      request.adminCall,
    );
    return { sessions_ended: sessionsEnded, grants_revoked: grantsRevoked };
  }
}
