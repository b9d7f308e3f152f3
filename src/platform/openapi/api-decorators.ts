import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

export const FORM = 'application/x-www-form-urlencoded';

/**
 * The documentation every client-authenticated, form-encoded endpoint shares (/token, /revoke,
 * /introspect): RFC 6749 §2.3 client authentication and the error answers. The request body is
 * the handler's `@Body()` DTO.
 */
export function ApiClientAuthenticatedForm(summary: string, response: Type<unknown>) {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiConsumes(FORM),
    ApiBasicAuth('client_secret_basic'),
    ApiOkResponse({ type: response }),
    ApiBadRequestResponse({ type: ErrorResponseDto }),
    ApiUnauthorizedResponse({ description: 'invalid_client', type: ErrorResponseDto }),
    ApiTooManyRequestsResponse({ type: ErrorResponseDto }),
  );
}

/** A GET that answers an HTML page (its 200 documented as text/html). */
export function ApiHtmlPage(description = 'HTML page') {
  return applyDecorators(
    ApiProduces('text/html'),
    ApiOkResponse({ description, content: { 'text/html': { schema: { type: 'string' } } } }),
  );
}
