import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { OID4VP_PER_IP } from '../../oid4vp/oid4vp.rate-limits';
import { OID4VP_REQUEST_ID } from '../../oid4vp/oid4vp.dto';
import {
  type HttpRequest,
  type HttpResponse,
  cookieWriter,
  redirect,
} from '../../platform/http/http-exchange';
import { FORM } from '../../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { RateLimit, perIp } from '../../platform/rate-limit/rate-limit';
import {
  Oid4vpCompleteQueryDto,
  Oid4vpPollAnswerDto,
  Oid4vpRequestCreateDto,
  Oid4vpRequestCreatedDto,
} from './oid4vp-login.dto';
import { Oid4vpSessionLogin, type PollAnswer } from './oid4vp-session-login.service';

/**
 * "Sign in with your identity wallet": a presentation request for the login page (its cookies) or
 * a script (a registered client), its status, and the wallet's same-device redirect back.
 */
@ApiTags('login')
@Controller('oid4vp')
export class Oid4vpLoginController {
  constructor(private readonly login: Oid4vpSessionLogin) {}

  @Post('requests')
  @HttpCode(201)
  @RateLimit('closed', perIp(OID4VP_PER_IP))
  @ApiConsumes('application/json', FORM)
  @ApiOperation({
    summary: 'A presentation request (OpenID4VP 1.0), passed to the wallet by reference',
    description:
      'The login page: { csrf_token, return_to[, response_mode] } with its cookies; the DCQL query asks for what the scopes of return_to need. A script: { client_id[, scope][, response_mode] } of a first-party public client (it authenticates no client and shows no consent: any other client is 400 invalid_request), answered with a secret handle too. response_mode is direct_post (the default) or direct_post.jwt.',
  })
  @ApiCreatedResponse({ type: Oid4vpRequestCreatedDto })
  @ApiBadRequestResponse({
    description: 'invalid_request (a failed CSRF check), invalid_scope',
    type: ErrorResponseDto,
  })
  @ApiNotFoundResponse({
    description: 'not_found: no trusted issuer is configured',
    type: ErrorResponseDto,
  })
  @Header('Cache-Control', 'no-store')
  create(
    @Body() body: Oid4vpRequestCreateDto,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<Oid4vpRequestCreatedDto> {
    return this.login.create(body, { req, res: cookieWriter(res) });
  }

  @Get('requests/:id')
  @RateLimit('closed', perIp(OID4VP_PER_IP))
  @ApiOperation({
    summary: 'The request’s status: pending, signed_in or refused',
    description:
      'With the login page’s cookies: once the wallet answered, this poll signs the browser in (cross-device: never phr, never the account scope) and answers redirect (return_to). With Authorization: Bearer <handle>: the client’s token response, given once.',
  })
  @ApiParam(OID4VP_REQUEST_ID)
  @ApiOkResponse({ type: Oid4vpPollAnswerDto })
  @ApiNotFoundResponse({
    description:
      'not_found: unknown, expired, another’s (or polled by a browser without the login page’s cookies) or already completed',
    type: ErrorResponseDto,
  })
  @Header('Cache-Control', 'no-store')
  poll(
    @Param('id') id: string,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<PollAnswer> {
    return this.login.poll(id, { req, res: cookieWriter(res) });
  }

  @Get('complete')
  @RateLimit('closed', perIp(OID4VP_PER_IP))
  @ApiOperation({
    summary: 'The wallet’s same-device redirect (OpenID4VP 1.0 §8.2): signed in, then to return_to',
    description:
      'Redeems the response_code once, for the browser that started the request only: presented by another browser it is refused and spent.',
  })
  @ApiResponse({ status: 303, description: 'Signed in: to return_to' })
  @ApiBadRequestResponse({
    description: 'invalid_request: unknown, used, or another browser’s',
    type: ErrorResponseDto,
  })
  @Header('Cache-Control', 'no-store')
  async complete(
    @Query() query: Oid4vpCompleteQueryDto,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const location = await this.login.complete(query.response_code, {
      req,
      res: cookieWriter(res),
    });
    redirect(req, res, 303, location);
  }
}
