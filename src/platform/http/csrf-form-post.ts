import { Header, Post, type Type, applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiOperationText, FORM, type OperationText } from '../openapi/api-decorators';
import { ErrorResponseDto } from '../openapi/error-response.dto';

/** A CSRF-protected form post: its path under the controller's, and its OpenAPI description. */
export interface CsrfFormPostOptions extends OperationText {
  /** Under the controller's path; the controller's own when left out. */
  readonly path?: string;
  /** The form's DTO, documented as the request body. */
  readonly body?: Type<unknown>;
  /** The 400's description, where the form is refused for more than a failed CSRF check. */
  readonly badRequest?: string;
}

/**
 * A page's form post (`application/x-www-form-urlencoded`) that acts on the user's behalf: its
 * route, its OpenAPI description with the 400 `invalid_request` a failed CSRF check is answered
 * with, and no caching of its answer. The check itself is the handler's service's, made once the
 * validated form (with its `@CsrfTokenField()`) is in hand.
 */
export function CsrfFormPost(options: CsrfFormPostOptions): MethodDecorator {
  const { path, body } = options;
  return applyDecorators(
    Post(path),
    ApiOperationText(options),
    ApiConsumes(FORM),
    ...(body === undefined ? [] : [ApiBody({ type: body })]),
    // The error envelope, whatever the page's own answers are: a refusal is JSON (the one filter).
    ApiExtraModels(ErrorResponseDto),
    ApiBadRequestResponse({
      description: options.badRequest ?? 'invalid_request: CSRF check failed',
      content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponseDto) } } },
    }),
    Header('Cache-Control', 'no-store'),
  );
}
