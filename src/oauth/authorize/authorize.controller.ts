import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { singleParams } from '../../common/http/single-params';
import { SessionService } from '../login/session.service';
import { renderErrorPage } from '../pages/error-page';
import { AuthorizationEndpoint } from './authorization.endpoint';

@Controller('authorize')
export class AuthorizeController {
  constructor(
    private readonly endpoint: AuthorizationEndpoint,
    private readonly sessions: SessionService,
  ) {}

  @Get()
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
