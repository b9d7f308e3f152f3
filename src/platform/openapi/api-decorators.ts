import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { ERROR_SCHEMA, FORM } from './schemas';

/**
 * The documentation every client-authenticated, form-encoded endpoint shares (/token, /revoke,
 * /introspect): RFC 6749 §2.3 client authentication and the error answers.
 */
export function ApiClientAuthenticatedForm(
  summary: string,
  request: SchemaObject,
  response: SchemaObject,
) {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiConsumes(FORM),
    ApiBody({ schema: request }),
    ApiBasicAuth('client_secret_basic'),
    ApiOkResponse({ schema: response }),
    ApiBadRequestResponse({ schema: ERROR_SCHEMA }),
    ApiUnauthorizedResponse({ description: 'invalid_client', schema: ERROR_SCHEMA }),
    ApiTooManyRequestsResponse({ schema: ERROR_SCHEMA }),
  );
}
