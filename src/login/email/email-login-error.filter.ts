import { Catch } from '@nestjs/common';
import type { ProtocolError } from '../../platform/errors/protocol-error';
import { RefusalPagesFilter } from '../../platform/errors/protocol-error.filter';
import { renderEmailErrorPage } from './email-login.page';
import { pageLocaleOf } from '../../platform/i18n/page-locale';
import type { HttpRequest } from '../../platform/http/http-exchange';

/**
 * The email sign-in's forms are read by a person when a browser posts them without the page's
 * script (or opens the mail's link): a refusal is a page saying why, with the way back; a script
 * or an API client (JSON, or no Accept) gets the one envelope.
 */
@Catch()
export class EmailLoginErrorPages extends RefusalPagesFilter {
  protected refusalPage(error: ProtocolError, request: HttpRequest): string {
    // The form's field, or the link's query (the mail's link carries the language it was sent in).
    const body = request.body as { ui_locales?: unknown } | undefined;
    const query = request.query as { ui_locales?: unknown } | undefined;
    const asked = [body?.ui_locales, query?.ui_locales].find(
      (value): value is string => typeof value === 'string',
    );
    return renderEmailErrorPage(error, pageLocaleOf(request.raw, asked));
  }
}
