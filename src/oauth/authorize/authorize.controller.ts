import {
  ApiBadRequestResponse,
  ApiFoundResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ERROR_SCHEMA } from '../../platform/openapi/schemas';
import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { singleParams } from '../../platform/http/single-params';
import { RateLimit } from '../../platform/rate-limit/rate-limit';
import { SessionService } from '../../login/session.service';
import { renderErrorPage } from './error-page';
import { AuthorizationEndpoint } from './authorization.endpoint';

@RateLimit('authorize')
@ApiTags('oauth')
@Controller('authorize')
export class AuthorizeController {
  constructor(
    private readonly endpoint: AuthorizationEndpoint,
    private readonly sessions: SessionService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, S256 only)',
    description:
      'Redirects to the client with `code`, `state` and `iss` (RFC 9207), or with `error`; sends an unauthenticated user to /login first. An unknown client or unregistered redirect URI gets a 400 page, never a redirect.',
  })
  @ApiQuery({ name: 'response_type', enum: ['code'] })
  @ApiQuery({ name: 'client_id' })
  @ApiQuery({ name: 'redirect_uri' })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'scope', required: false })
  @ApiQuery({ name: 'code_challenge', description: 'BASE64URL(SHA-256(code_verifier))' })
  @ApiQuery({ name: 'code_challenge_method', enum: ['S256'] })
  @ApiFoundResponse({ description: 'Redirect to the client, or to /login' })
  @ApiBadRequestResponse({
    description: 'HTML page (or this JSON with Accept: application/json)',
    schema: ERROR_SCHEMA,
  })
  @ApiTooManyRequestsResponse({
    description: 'More than RATE_LIMIT_AUTHORIZE_PER_IP requests per minute from this IP',
    schema: ERROR_SCHEMA,
  })
  @Header('Cache-Control', 'no-store')
  async authorize(@Req() request: Request, @Res() response: Response): Promise<void> {
    const params = singleParams(request.query);
    const session = await this.sessions.current(request);
    const outcome = await this.endpoint.handle(params, session, request.originalUrl);
    switch (outcome.kind) {
      case 'error_page':
        if (request.accepts(['html', 'json']) === 'json') {
          response.status(outcome.error.status).json({
            error: outcome.error.error,
            error_description: outcome.error.description,
          });
        } else {
          response.status(outcome.error.status).type('html').send(renderErrorPage(outcome.error));
        }
        return;
      case 'login':
      case 'redirect':
        response.redirect(302, outcome.location);
    }
  }
}
