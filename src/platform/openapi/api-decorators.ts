import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiBearerAuth,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  DECORATORS,
  type ApiPropertyOptions,
} from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

export const FORM = 'application/x-www-form-urlencoded';

/** What an operation says of itself in the OpenAPI document. */
export interface OperationText {
  readonly summary: string;
  /** More than the summary says, where it needs saying. */
  readonly description?: string;
}

/** An operation's summary, and its description when it has one (never an empty one). */
export function ApiOperationText({ summary, description }: OperationText) {
  return ApiOperation({ summary, ...(description === undefined ? {} : { description }) });
}

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

/** What a bearer-protected endpoint's refusals say, by status. */
export interface BearerRefusals {
  /** 401: no live token (and how its WWW-Authenticate challenges). */
  readonly unauthorized: string;
  /** 403: a token without what the endpoint needs (insufficient_scope). */
  readonly forbidden: string;
  /** What the refusals' `WWW-Authenticate` challenge carries, documented as that header. */
  readonly challenge?: string;
}

/**
 * The documentation every endpoint opened by a bearer token shares (RFC 6750): the `bearer`
 * security scheme, 401 without a live token and 403 for one that may not, in the error envelope.
 */
export function ApiBearerProtected({ unauthorized, forbidden, challenge }: BearerRefusals) {
  const headers =
    challenge === undefined
      ? undefined
      : { 'WWW-Authenticate': { description: challenge, schema: { type: 'string' } } };
  return applyDecorators(
    ApiBearerAuth('bearer'),
    ApiUnauthorizedResponse({ description: unauthorized, type: ErrorResponseDto, headers }),
    ApiForbiddenResponse({ description: forbidden, type: ErrorResponseDto, headers }),
  );
}

/** A GET that answers an HTML page (its 200 documented as text/html). */
export function ApiHtmlPage(description = 'HTML page') {
  return applyDecorators(
    ApiProduces('text/html'),
    ApiOkResponse({ description, content: { 'text/html': { schema: { type: 'string' } } } }),
  );
}

/**
 * Documents every field of a JSON Merge Patch body (a DTO marked `@MergePatch()`, RFC 7396 §2)
 * as nullable, its description ending with what `null` does (`removal`): the fields the class
 * documents itself and those it inherits (a mapped type's).
 */
export function ApiMergePatch(removal: string): ClassDecorator {
  return (target) => {
    const prototype = target.prototype as object;
    const fields = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype) ??
      []) as string[];
    // Listed as `:<field>`.
    for (const field of fields.map((key) => key.slice(1))) {
      const property = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, field) as
        ApiPropertyOptions | undefined;
      const said = property?.description;
      const description = said === undefined ? removal : `${said}. ${removal}`;
      ApiProperty({ ...property, nullable: true, description })(prototype, field);
    }
  };
}
