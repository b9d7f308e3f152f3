import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags, IntersectionType } from '@nestjs/swagger';
import { AccountAdministration } from '../accounts/account-administration.service';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import type { GrantFilter } from '../../tokens/grants/grant';
import {
  AdminGrantDto,
  AdminGrantPageDto,
  AdminGrantRevocationDto,
  AdminRevokedCountDto,
} from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { GRANT_ID } from '../api/admin-openapi';
import { PageQueryDto, readPage } from '../api/admin-pages';
import { AdminAction, AdminChange, AdminRead } from '../api/admin-route';
import { GrantAdministration } from './grant-administration.service';
import { grantFilterOf, grantJson, revocationJson } from './grant-json';
import { AdminTextField } from '../api/admin-text-field';

export class GrantOwnerDto {
  @AdminTextField({
    description: 'The subject whose grants (this, client, or both)',
    example: 'alice',
    optional: true,
  })
  user?: string;

  @AdminTextField({
    description: 'The client whose grants (this, user, or both)',
    example: 'billing',
    optional: true,
  })
  client?: string;
}

export class GrantListQueryDto extends IntersectionType(PageQueryDto, GrantOwnerDto) {}

/** The grants of a user, a client, or a user at a client: never all of them at once. */
function ownerOf(owner: GrantOwnerDto): GrantFilter {
  const filter = grantFilterOf(owner);
  if (Object.keys(filter).length === 0) {
    throw new InvalidRequest('name the user or the client (or both) whose grants');
  }
  return filter;
}

/** `/admin/v1/grants`: `proofgate-admin grants …` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/grants')
export class GrantsAdminController {
  constructor(
    private readonly grants: GrantAdministration,
    private readonly accounts: AccountAdministration,
  ) {}

  @Get()
  @AdminRead(
    'grants.list',
    "A user's or a client's grants (ended ones too) by grant id: one indexed find a page",
    AdminGrantPageDto,
  )
  list(@Query() query: GrantListQueryDto) {
    const filter = ownerOf(query);
    return readPage(
      query,
      ({ sub, ...page }) =>
        this.grants.page({ ...filter, ...(sub === undefined ? {} : { sub }) }, page),
      (grant) => grant.grantId,
      grantJson,
      { user: query.user, subjectOf: (user) => this.accounts.subjectOf(user) },
    );
  }

  @Get(':grantId')
  @AdminRead('grants.show', 'One grant; ETag for its revocation', AdminGrantDto, GRANT_ID)
  async show(@Param('grantId') grantId: string, @Exchange() admin: AdminExchange) {
    return admin.tagged(grantJson(await this.grants.show(grantId)));
  }

  @Delete(':grantId')
  @AdminChange(
    'grants.revoke',
    'Revoke one grant (If-Match required): its refresh and access tokens stop at once',
    AdminGrantRevocationDto,
    GRANT_ID,
  )
  async revoke(@Param('grantId') grantId: string, @Exchange() admin: AdminExchange) {
    // A check, then the write, and no compare-and-set: a revocation cannot lose another's change.
    // A grant only ever goes from live to revoked (nothing makes it live again), so of two callers
    // holding one tag the second revokes what is revoked, which changes nothing.
    admin.ifMatch(grantJson(await this.grants.show(grantId)));
    return revocationJson(await this.grants.revoke(grantId, admin.call));
  }

  @Post('revoke')
  @AdminAction(
    'grants.revoke_all',
    'Revoke every live grant of a user, a client, or a user at a client (an action on the collection: no If-Match)',
    AdminRevokedCountDto,
  )
  async revokeAll(@Body() body: GrantOwnerDto, @Exchange() admin: AdminExchange) {
    return { revoked: await this.grants.revokeAll(ownerOf(body), admin.call) };
  }
}
