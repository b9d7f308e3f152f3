import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { FORM } from '../../platform/openapi/api-decorators';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { EndSessionConfirmDto } from './end-session-confirm.dto';
import { EndSessionRequestDto } from './end-session-request.dto';
import { EndSessionService, type EndSessionOutcome } from './end-session.service';

function send(res: Response, outcome: EndSessionOutcome, status: 302 | 303): void {
  if (outcome.kind === 'redirect') res.redirect(status, outcome.location);
  else res.status(200).type('html').send(outcome.html);
}

/** OpenID Connect RP-Initiated Logout 1.0 §2: the end_session_endpoint. */
@ApiTags('login')
@ApiProduces('text/html')
@Controller('end_session')
export class EndSessionController {
  constructor(private readonly endSession: EndSessionService) {}

  @Get()
  @ApiOperation({
    summary:
      'RP-Initiated Logout: ends the login session the id_token_hint names, or asks the user first; back to a registered post_logout_redirect_uri with state',
  })
  @ApiResponse({ status: 302, description: 'Signed out; Location is post_logout_redirect_uri' })
  @ApiResponse({ status: 200, description: 'The confirmation page, or the signed-out page' })
  @ApiBadRequestResponse({
    description: 'invalid_request: bad id_token_hint, unregistered post_logout_redirect_uri, …',
    type: ErrorResponseDto,
  })
  @Header('Cache-Control', 'no-store')
  async get(
    @Query() query: EndSessionRequestDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.endSession.request(query, { req, res }), 302);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'RP-Initiated Logout, the form-encoded POST (same parameters as GET)' })
  @ApiConsumes(FORM)
  @ApiBody({ type: EndSessionRequestDto })
  @ApiResponse({ status: 303, description: 'Signed out; Location is post_logout_redirect_uri' })
  @ApiBadRequestResponse({ description: 'invalid_request', type: ErrorResponseDto })
  @Header('Cache-Control', 'no-store')
  async post(
    @Body() form: EndSessionRequestDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.endSession.request(form, { req, res }), 303);
  }

  @Post('confirm')
  @HttpCode(200)
  @ApiOperation({ summary: "The confirmation page's answer (CSRF-protected form)" })
  @ApiConsumes(FORM)
  @ApiBody({ type: EndSessionConfirmDto })
  @ApiResponse({ status: 303, description: 'Signed out; Location is post_logout_redirect_uri' })
  @ApiBadRequestResponse({
    description: 'invalid_request: CSRF check failed, or the request is no longer valid',
    type: ErrorResponseDto,
  })
  @Header('Cache-Control', 'no-store')
  async confirm(
    @Body() form: EndSessionConfirmDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.endSession.confirm(form, { req, res }), 303);
  }
}
