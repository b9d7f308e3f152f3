import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiTags, IntersectionType } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { AccountAdministration } from '../accounts/account-administration.service';
import { AdminSessionDto, AdminSessionPageDto, AdminSessionsEndedDto } from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { SESSION_ID } from '../api/admin-openapi';
import { PageQueryDto, readInstantPage } from '../api/admin-pages';
import { AdminAction, AdminChange, AdminRead } from '../api/admin-route';
import { endedJson } from '../io/ended-json';
import {
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

export class SessionListQueryDto extends IntersectionType(PageQueryDto, SessionOwnerDto) {}

/** `/admin/v1/sessions`: `proofgate-admin sessions …` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/sessions')
export class SessionsAdminController {
  constructor(
    private readonly sessions: SessionAdministration,
    private readonly accounts: AccountAdministration,
  ) {}

  @Get()
  @AdminRead(
    'sessions.list',
    "An account's live login sessions, newest sign-in first (user required), a page at a time",
    AdminSessionPageDto,
  )
  list(@Query() query: SessionListQueryDto) {
    return readInstantPage(
      query,
      ({ after, limit, sub }) =>
        this.sessions.page(sub!, {
          ...(after === undefined ? {} : { after: { at: after.at, sid: after.id } }),
          limit,
        }),
      (session) => ({ at: session.authTime, id: session.sid }),
      sessionJson,
      { user: query.user, subjectOf: (user) => this.accounts.subjectOf(user) },
    );
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
    // A check, then the write, and no compare-and-set: ending a session cannot lose another's
    // change. A session only ever goes from live to ended, so of two callers holding one tag the
    // second ends what is ended, which changes nothing.
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
