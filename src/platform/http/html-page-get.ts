import { Get, Header, applyDecorators } from '@nestjs/common';
import { ApiHtmlPage, ApiOperationText, type OperationText } from '../openapi/api-decorators';

/** A page a browser GETs: its path under the controller's, and its OpenAPI description. */
export interface HtmlPageGetOptions extends OperationText {
  /** Under the controller's path; the controller's own when left out. */
  readonly path?: string;
  /** What the 200 (text/html) is; "HTML page" when left out. */
  readonly page?: string;
}

/**
 * A page a browser GETs (CsrfFormPost's counterpart): its route, its OpenAPI description with
 * the 200 documented as text/html, and no caching of its answer (a page names who is signed in,
 * or carries a CSRF token). Other answers (a 303 to /login, a refusal) are the handler's own
 * decorators.
 */
export function HtmlPageGet(options: HtmlPageGetOptions): MethodDecorator {
  const { path, page } = options;
  return applyDecorators(
    Get(path),
    ApiOperationText(options),
    ApiHtmlPage(page),
    Header('Cache-Control', 'no-store'),
  );
}
