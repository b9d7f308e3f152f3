import { HttpCode, applyDecorators } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiResponse } from '@nestjs/swagger';
import { CsrfFormPost, type CsrfFormPostOptions } from '../../platform/http/csrf-form-post';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { ApprovalAnsweredDto } from './ciba-approvals.dto';

/**
 * An answer to a pending request (CsrfFormPost): JSON for the page's script, 303 back to the page
 * for a plain form, not_found for a request that is not this account's pending one.
 */
export function ApprovalAnswerPost(form: CsrfFormPostOptions, answered: 'approved' | 'denied') {
  return applyDecorators(
    CsrfFormPost(form),
    HttpCode(200),
    ApiOkResponse({ type: ApprovalAnsweredDto, description: `JSON: ${answered}` }),
    ApiResponse({ status: 303, description: 'Form: back to /account/approvals' }),
    ApiNotFoundResponse({
      description: 'not_found: no pending request of this account',
      type: ErrorResponseDto,
    }),
  );
}
