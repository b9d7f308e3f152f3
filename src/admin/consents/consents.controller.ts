import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AccountAdministration } from '../accounts/account-administration.service';
import { consentKey } from '../../oauth/consent/consent';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { PageQueryDto, readPage } from '../api/admin-pages';
import { AdminConsentPageDto, AdminRevokedCountDto } from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { AdminAction, AdminRead } from '../api/admin-route';
import { ConsentAdministration } from './consent-administration.service';
import { consentJson } from './consent-json';
import { AdminTextField } from '../api/admin-text-field';

export class ConsentUserDto {
  @AdminTextField({ description: 'The subject whose consents', example: 'alice' })
  user!: string;
}

export class ConsentRevocationDto extends ConsentUserDto {
  @AdminTextField({
    description: 'Only at this client (default: every client)',
    example: 'partner-app',
    optional: true,
  })
  client?: string;
}

export class ConsentListQueryDto extends PageQueryDto {
  @AdminTextField({
    description: 'The subject whose consents (this, client, or both)',
    example: 'alice',
    optional: true,
  })
  user?: string;

  @AdminTextField({
    description: 'The client whose consents (this, user, or both)',
    example: 'partner-app',
    optional: true,
  })
  client?: string;
}

/** `/admin/v1/consents`: `proofgate-admin consents …` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/consents')
export class ConsentsAdminController {
  constructor(
    private readonly consents: ConsentAdministration,
    private readonly accounts: AccountAdministration,
  ) {}

  @Get()
  @AdminRead(
    'consents.list',
    'The remembered consents that hold, of a user, a client or a user at a client, by user then client: one indexed find a page',
    AdminConsentPageDto,
  )
  list(@Query() query: ConsentListQueryDto) {
    const { user, client } = query;
    // As grants: the consents of someone, never all of them at once.
    if (user === undefined && client === undefined) {
      throw new InvalidRequest('name the user or the client (or both) whose consents');
    }
    return readPage(
      query,
      ({ sub, ...page }) =>
        this.consents.page(
          {
            ...(sub === undefined ? {} : { sub }),
            ...(client === undefined ? {} : { clientId: client }),
          },
          page,
        ),
      (consent) => consentKey(consent.sub, consent.clientId),
      consentJson,
      { user, subjectOf: (who) => this.accounts.subjectOf(who) },
    );
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
