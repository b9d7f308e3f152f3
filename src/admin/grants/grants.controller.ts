import { ApiHeader, ApiOkResponse, ApiParam } from '@nestjs/swagger';
import {
  AdminGrantDto,
  AdminGrantPageDto,
  AdminGrantRevocationDto,
  AdminRevokedCountDto,
} from '../api/admin-api.dto';
import { GRANT_ID, IF_MATCH } from '../api/admin-openapi';
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
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import type { HttpResponse } from '../../platform/http/http-exchange';
import type { GrantFilter } from '../../tokens/grants/grant';
import { checkIfMatch, tagged } from '../api/admin-etag';
import { decodeCursor, pageOf, pageSize, PageQueryDto } from '../api/admin-pages';
import { type AdminApiRequest, AdminRead, AdminWrite } from '../api/admin-route';
import { GrantAdministration } from './grant-administration.service';
import { grantJson } from './grant-json';

export class GrantOwnerDto {
  @ApiProperty({ required: false, description: 'The subject whose grants', example: 'alice' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  user?: string;

  @ApiProperty({ required: false, description: 'The client whose grants', example: 'billing' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  client?: string;
}

export class GrantListQueryDto extends PageQueryDto {
  @ApiProperty({
    required: false,
    description: 'The subject whose grants (this or client)',
    example: 'alice',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  user?: string;

  @ApiProperty({
    required: false,
    description: 'The client whose grants (this or user)',
    example: 'billing',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  client?: string;
}

function ownerOf(owner: { user?: string; client?: string }): GrantFilter {
  if (owner.user === undefined && owner.client === undefined) {
    throw new InvalidRequest('name the user or the client (or both) whose grants');
  }
  return {
    ...(owner.user === undefined ? {} : { sub: owner.user }),
    ...(owner.client === undefined ? {} : { clientId: owner.client }),
  };
}

/** `/admin/v1/grants`: `proofgate-admin grants …` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/grants')
export class GrantsAdminController {
  constructor(private readonly grants: GrantAdministration) {}

  @Get()
  @AdminRead('grants.list')
  @ApiOkResponse({ type: AdminGrantPageDto })
  @ApiOperation({
    summary: "A user's or a client's grants (ended ones too) by grant id: one indexed find a page",
  })
  async list(@Query() query: GrantListQueryDto) {
    const limit = pageSize(query);
    const after = decodeCursor(query.cursor);
    const rows = await this.grants.page(ownerOf(query), {
      ...(after === undefined ? {} : { after }),
      limit: limit + 1,
    });
    return pageOf(rows, limit, (grant) => grant.grantId, grantJson);
  }

  @Get(':grantId')
  @AdminRead('grants.show')
  @ApiOkResponse({ type: AdminGrantDto })
  @ApiParam(GRANT_ID)
  @ApiOperation({ summary: 'One grant; ETag for its revocation' })
  async show(
    @Param('grantId') grantId: string,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    const json = grantJson(await this.grants.show(grantId));
    return tagged(response, json);
  }

  @Delete(':grantId')
  @AdminWrite('grants.revoke')
  @ApiOkResponse({ type: AdminGrantRevocationDto })
  @ApiParam(GRANT_ID)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary: 'Revoke one grant (If-Match required): its refresh and access tokens stop at once',
  })
  async revoke(
    @Param('grantId') grantId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: AdminApiRequest,
  ) {
    checkIfMatch(ifMatch, grantJson(await this.grants.show(grantId)));
    const result = await this.grants.revoke(grantId, request.adminCall);
    return {
      grant_id: grantId,
      sub: result.sub,
      client_id: result.clientId,
      revoked: result.revoked,
      revoked_at: result.revokedAt,
    };
  }

  @Post('revoke')
  @HttpCode(200)
  @AdminWrite('grants.revoke_all')
  @ApiOkResponse({ type: AdminRevokedCountDto })
  @ApiOperation({
    summary:
      'Revoke every live grant of a user, a client, or a user at a client (an action on the collection: no If-Match)',
  })
  async revokeAll(@Body() body: GrantOwnerDto, @Req() request: AdminApiRequest) {
    return { revoked: await this.grants.revokeAll(ownerOf(body), request.adminCall) };
  }
}
