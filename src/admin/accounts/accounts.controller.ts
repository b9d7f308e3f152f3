import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import type { HttpResponse } from '../../platform/http/http-exchange';
import { AdminAccountDto, AdminMethodDto, AdminMethodRemovedDto } from '../api/admin-api.dto';
import { checkIfMatch, tagged } from '../api/admin-etag';
import { ACCOUNT, IF_MATCH, METHOD } from '../api/admin-openapi';
import { type AdminApiRequest, AdminRead, AdminWrite } from '../api/admin-route';
import { AccountAdministration } from './account-administration.service';
import { methodJson } from './method-json';

export class LinkMethodDto {
  @ApiProperty({
    required: false,
    description: 'A wallet to link (CAIP-10), without its signature: the operator checked it',
    example: 'eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  wallet?: string;

  @ApiProperty({
    required: false,
    description: "Or an email address the operator checked: the account's verified address",
    example: 'alice@example.com',
  })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;
}

/** `/admin/v1/accounts`: `proofgate-admin accounts …` over HTTP, on the same service. */
@ApiTags('admin')
@Controller('admin/v1/accounts')
export class AccountsAdminController {
  constructor(private readonly accounts: AccountAdministration) {}

  /** The account as answered, and what its ETag is of. */
  private async current(account: string) {
    const { sub, operator, methods } = await this.accounts.account(account);
    return { sub, operator, methods: methods.map(methodJson) };
  }

  @Get(':account')
  @AdminRead('accounts.show')
  @ApiOkResponse({ type: AdminAccountDto })
  @ApiParam(ACCOUNT)
  @ApiOperation({
    summary:
      'An account (a username, a subject or a method key names it) with its sign-in methods; ETag for a change',
  })
  async show(
    @Param('account') account: string,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    return tagged(response, await this.current(account));
  }

  @Post(':account/methods')
  @HttpCode(201)
  @AdminWrite('accounts.link')
  @ApiCreatedResponse({ type: AdminMethodDto })
  @ApiParam(ACCOUNT)
  @ApiOperation({ summary: 'Link a wallet or an email address to the account (accounts link)' })
  async link(
    @Param('account') account: string,
    @Body() body: LinkMethodDto,
    @Req() request: AdminApiRequest,
    @Res({ passthrough: true }) response: HttpResponse,
  ) {
    if ((body.wallet === undefined) === (body.email === undefined)) {
      throw new InvalidRequest('give exactly one of wallet and email');
    }
    const method =
      body.wallet !== undefined
        ? await this.accounts.linkWallet(account, body.wallet, request.adminCall)
        : await this.accounts.linkEmail(account, body.email as string, request.adminCall);
    response.header(
      'Location',
      `/admin/v1/accounts/${encodeURIComponent(method.sub)}/methods/${encodeURIComponent(method.key)}`,
    );
    return { sub: method.sub, ...methodJson(method) };
  }

  @Delete(':account/methods/:method')
  @AdminWrite('accounts.unlink')
  @ApiOkResponse({ type: AdminMethodRemovedDto })
  @ApiParam(ACCOUNT)
  @ApiParam(METHOD)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary:
      "Remove a sign-in method (never the last; If-Match: the account's ETag), ending the sessions and grants it started",
  })
  async unlink(
    @Param('account') account: string,
    @Param('method') method: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: AdminApiRequest,
  ) {
    const current = await this.current(account);
    checkIfMatch(ifMatch, current);
    const removed = await this.accounts.unlink(current.sub, method, request.adminCall);
    return {
      removed: method,
      sessions_ended: removed.sessionsEnded,
      grants_revoked: removed.grantsRevoked,
    };
  }
}
