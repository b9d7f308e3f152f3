import { Catch } from '@nestjs/common';
import type { ProtocolError } from '../../platform/errors/protocol-error';
import { RefusalPagesFilter } from '../../platform/errors/protocol-error.filter';
import { renderEmailErrorPage } from './email-login.page';
import type { HttpRequest } from '../../platform/http/http-exchange';

/**
 * The email sign-in's forms are read by a person when a browser posts them without the page's
 * script (or opens the mail's link): a refusal is a page saying why, with the way back; a script
 * or an API client (JSON, or no Accept) gets the one envelope.
 */
@Catch()
export class EmailLoginErrorPages extends RefusalPagesFilter {
  protected refusalPage(error: ProtocolError, request: HttpRequest): string {
    // The mail's link carries the language it was sent in; the forms post the page's.
    return renderEmailErrorPage(error, this.localeOf(request));
  }
}
