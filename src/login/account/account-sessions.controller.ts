import { Controller, Delete, Get, Header, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBearerProtected } from '../../platform/openapi/api-decorators';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import type { PresentedToken } from '../../tokens/grants/grant-bearer.authenticator';
import { PresentedAccessToken } from '../../tokens/grants/presented-token.decorator';
import { LOGIN_PER_IP } from '../login.rate-limits';
import { AccountSessionsResponseDto, SignedOutEverywhereDto } from './account-sessions.dto';
import { AccountSessionsService } from './account-sessions.service';

/** Where the bearer's account is signed in, and signing out everywhere (JSON; the page is GET /account). */
@ApiTags('account')
@ApiBearerProtected({
  unauthorized: '401 without a live token (invalid_token)',
  forbidden: 'insufficient_scope: the token lacks the account scope',
})
@Controller('account/sessions')
export class AccountSessionsController {
  constructor(private readonly sessions: AccountSessionsService) {}

  @Get()
  @RateLimit('closed', perIp(LOGIN_PER_IP))
  @ApiOperation({
    summary: 'The account’s live login sessions and grants, with the method that started each',
  })
  @ApiOkResponse({ type: AccountSessionsResponseDto })
  @Header('Cache-Control', 'no-store')
  list(@PresentedAccessToken() presented: PresentedToken): Promise<AccountSessionsResponseDto> {
    return this.sessions.list(presented);
  }

  @Delete()
  @RateLimit('closed', perIp(LOGIN_PER_IP))
  @ApiOperation({
    summary:
      'Sign out everywhere: end every login session and revoke every grant of the account, this token’s included',
  })
  @ApiOkResponse({ type: SignedOutEverywhereDto })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  signOutEverywhere(
    @PresentedAccessToken() presented: PresentedToken,
  ): Promise<SignedOutEverywhereDto> {
    return this.sessions.signOutEverywhere(presented);
  }
}
