import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import { AdminAccountDto, AdminMethodDto, AdminMethodRemovedDto } from '../api/admin-api.dto';
import { type AdminExchange, Exchange } from '../api/admin-exchange';
import { ACCOUNT, METHOD } from '../api/admin-openapi';
import { AdminChange, AdminCreate, AdminRead } from '../api/admin-route';
import { AccountAdministration } from './account-administration.service';
import { methodJson, methodRemovedJson } from './method-json';

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

  /** The account as answered, and its record's revision: its ETag is of both. */
  private async current(account: string) {
    const { sub, operator, methods, revision } = await this.accounts.account(account);
    return { shown: { sub, operator, methods: methods.map(methodJson) }, revision };
  }

  @Get(':account')
  @AdminRead(
    'accounts.show',
    'An account (a username, a subject or a method key names it) with its sign-in methods; ETag for a change',
    AdminAccountDto,
    ACCOUNT,
  )
  async show(@Param('account') account: string, @Exchange() admin: AdminExchange) {
    const { shown, revision } = await this.current(account);
    return admin.tagged(shown, revision);
  }

  @Post(':account/methods')
  @AdminCreate(
    'accounts.link',
    'Link a wallet or an email address to the account (accounts link)',
    AdminMethodDto,
    ACCOUNT,
  )
  @ApiOkResponse({
    description: 'The account already has it: the method as first added, nothing created',
    type: AdminMethodDto,
  })
  async link(
    @Param('account') account: string,
    @Body() body: LinkMethodDto,
    @Exchange() admin: AdminExchange,
  ) {
    if ((body.wallet === undefined) === (body.email === undefined)) {
      throw new InvalidRequest('give exactly one of wallet and email');
    }
    const { method, created } =
      body.wallet !== undefined
        ? await this.accounts.linkWallet(account, body.wallet, admin.call)
        : await this.accounts.linkEmail(account, body.email as string, admin.call);
    // Linked before: 200 and the method as it was added (nothing created, no signal sent again).
    if (created) admin.locate('accounts', method.sub, 'methods', method.key);
    else admin.unchanged();
    return { sub: method.sub, ...methodJson(method) };
  }

  @Delete(':account/methods/:method')
  @AdminChange(
    'accounts.unlink',
    "Remove a sign-in method (never the last; If-Match: the account's ETag), ending the sessions and grants it started",
    AdminMethodRemovedDto,
    ACCOUNT,
    METHOD,
  )
  async unlink(
    @Param('account') account: string,
    @Param('method') method: string,
    @Exchange() admin: AdminExchange,
  ) {
    // The removal names the revision read with the tag: of two callers holding the same ETag,
    // one changes the account, the other gets 412 (a compare-and-set).
    const { shown, revision } = await this.current(account);
    admin.ifMatch(shown, revision);
    const removed = await this.accounts.unlink(shown.sub, method, admin.call, revision);
    return methodRemovedJson(method, removed);
  }
}
