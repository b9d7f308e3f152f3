import { Header, HttpCode, applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../platform/openapi/error-response.dto';
import { PageSignInResponseDto } from './page-sign-in-response.dto';

/** What a page sign-in's refusals say, by status. */
export interface PageSignInRefusals {
  /** 400: what a malformed request, or a failed CSRF check, is answered with. */
  readonly badRequest: string;
  /** 401: the `error` codes of a proof that fails. */
  readonly unauthorized: string;
}

/**
 * The answers of a JSON sign-in from the login page's script (PageSignIn: POST /login/siwe, POST
 * /login/passkey): 200 with where to go next, never cached; its refusals in the one envelope.
 */
export function PageSignInAnswers({ badRequest, unauthorized }: PageSignInRefusals) {
  return applyDecorators(
    ApiOkResponse({ description: 'Logged in', type: PageSignInResponseDto }),
    ApiBadRequestResponse({ description: badRequest, type: ErrorResponseDto }),
    ApiUnauthorizedResponse({ description: unauthorized, type: ErrorResponseDto }),
    ApiTooManyRequestsResponse({ type: ErrorResponseDto }),
    HttpCode(200),
    Header('Cache-Control', 'no-store'),
  );
}
