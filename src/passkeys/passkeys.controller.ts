import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CallerAddress } from '../platform/http/client-address';
import { ApiBearerProtected } from '../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { RateLimit } from '../platform/rate-limit/rate-limit';
import { AccountBearerAuthenticator } from '../tokens/grants/account-bearer.authenticator';
import { TokenResponseDto } from '../tokens/grants/token-response.dto';
import { TokenResponseAnswers } from '../tokens/grants/token-response.decorator';
import { PasskeyLoginService } from './authentication/passkey-login.service';
import { PasskeyAuthenticationService } from './authentication/passkey-authentication.service';
import { PASSKEY_LIMITS } from './passkey.rate-limits';
import { PasskeyCreationOptionsDto, PasskeyRequestOptionsDto } from './passkey-options.dto';
import {
  PasskeyAuthenticationRequestDto,
  PasskeyRegisteredDto,
  passkeyRegisteredJson,
  RegistrationResponseDto,
} from './passkey-request.dto';
import { PasskeyRegistrationService } from './registration/passkey-registration.service';
import type { PresentedToken } from '../tokens/grants/grant-bearer.authenticator';
import { PresentedAccessToken } from '../tokens/grants/presented-token.decorator';
import { ASSERTION_REFUSALS, CEREMONY_REFUSALS } from './passkey.errors';

/**
 * Passkeys (WebAuthn Level 3) as a JSON API for SPAs and first-party apps: no cookies. Adding a
 * passkey needs an account-scoped bearer token of a recent login; signing in needs nothing up
 * front and ends in the token response /wallet/verify gives.
 */
@ApiTags('passkeys')
@ApiBadRequestResponse({ type: ErrorResponseDto })
@ApiTooManyRequestsResponse({
  description:
    'too_many_requests, with Retry-After: RATE_LIMIT_PASSKEY_PER_IP; a registration that creates the account (its first linked method) also ACCOUNT_CREATIONS_PER_IP_PER_HOUR',
  type: ErrorResponseDto,
})
@Controller('passkeys')
@RateLimit('closed', ...PASSKEY_LIMITS)
export class PasskeysController {
  constructor(
    private readonly bearer: AccountBearerAuthenticator,
    private readonly registration: PasskeyRegistrationService,
    private readonly authentication: PasskeyAuthenticationService,
    private readonly login: PasskeyLoginService,
  ) {}

  @Post('registration/options')
  @ApiOperation({ summary: 'Creation options for a new passkey of the bearer’s account' })
  @ApiOkResponse({ type: PasskeyCreationOptionsDto })
  @ApiBearerProtected({
    unauthorized:
      'No or an invalid token; insufficient_user_authentication (RFC 9470) with max_age; for a DPoP-bound token (sent as "DPoP <token>" with a proof) the challenge is DPoP (RFC 9449 §7.1)',
    forbidden: 'insufficient_scope: the account scope',
  })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  // No body is read: the options name nothing the server does not know (send `{}`).
  async registrationOptions(
    @PresentedAccessToken() presented: PresentedToken,
  ): Promise<PasskeyCreationOptionsDto> {
    return this.registration.options(await this.bearer.authenticate(presented));
  }

  @Post('registration/verify')
  @ApiOperation({ summary: 'Register the passkey the browser created (RegistrationResponseJSON)' })
  @ApiBearerAuth('bearer')
  @ApiCreatedResponse({ type: PasskeyRegisteredDto })
  @ApiUnauthorizedResponse({ description: CEREMONY_REFUSALS, type: ErrorResponseDto })
  @ApiBadRequestResponse({
    description:
      'invalid_attestation: the attestation statement does not verify (the challenge is spent); untrusted_attestation: PASSKEY_REQUIRE_HARDWARE, PASSKEY_ALLOWED_AAGUIDS or the FIDO metadata refuses what it shows (the description says why)',
    type: ErrorResponseDto,
  })
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  async registrationVerify(
    @Body() body: RegistrationResponseDto,
    @PresentedAccessToken() presented: PresentedToken,
    @CallerAddress() callerAddress: string,
  ): Promise<PasskeyRegisteredDto> {
    const registered = await this.registration.verify(
      await this.bearer.authenticate(presented),
      body,
      callerAddress,
    );
    return passkeyRegisteredJson(registered);
  }

  @Post('authentication/options')
  @ApiOperation({
    summary: 'Request options for a passkey sign-in (discoverable: no account named)',
  })
  @ApiOkResponse({ type: PasskeyRequestOptionsDto })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  authenticationOptions(): Promise<PasskeyRequestOptionsDto> {
    return this.authentication.options();
  }

  @Post('authentication/verify')
  @ApiOperation({ summary: 'Trade a passkey assertion for tokens (same response as /token)' })
  @TokenResponseAnswers(ASSERTION_REFUSALS)
  authenticationVerify(@Body() body: PasskeyAuthenticationRequestDto): Promise<TokenResponseDto> {
    return this.login.login(body.response, body.client_id);
  }
}
