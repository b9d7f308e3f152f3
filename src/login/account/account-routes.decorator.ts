import { Header, HttpCode, Post, type Type, applyDecorators } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiResponse,
} from '@nestjs/swagger';
import { CsrfFormPost, type CsrfFormPostOptions } from '../../platform/http/csrf-form-post';
import {
  ApiHtmlPage,
  ApiOperationText,
  type OperationText,
} from '../../platform/openapi/api-decorators';
import { RateLimit, type RequestLimit, perIp } from '../../platform/rate-limit/rate-limit';
import { LOGIN_PER_IP } from '../login.rate-limits';

/** A JSON action on an account: its path, what it is charged to, its doc and its answer. */
export interface AccountActionOptions extends OperationText {
  readonly path: string;
  readonly limits: readonly RequestLimit[];
  readonly status: 200 | 201 | 202;
  /** The answer's DTO. */
  readonly type: Type<unknown>;
}

const ANSWERED_WITH = { 200: ApiOkResponse, 201: ApiCreatedResponse, 202: ApiAcceptedResponse };

/**
 * A JSON action on an account (the account page's script with its CSRF token, or a bearer of
 * the account scope): a POST charged to the limits it names, answering its DTO with its status,
 * never cached. The refusals particular to the action are its own decorators.
 */
export function AccountAction(options: AccountActionOptions) {
  const { path, limits, status, type } = options;
  return applyDecorators(
    Post(path),
    RateLimit('closed', ...limits),
    ApiOperationText(options),
    ANSWERED_WITH[status]({ type }),
    HttpCode(status),
    Header('Cache-Control', 'no-store'),
  );
}

/** What an account page form answers, by status: 200 is the account page itself (HTML). */
export type AccountFormAnswers = Partial<Record<200 | 303 | 401 | 409 | 429, string>>;

/**
 * A form of the account page (CsrfFormPost), charged to RATE_LIMIT_LOGIN_PER_IP like every change
 * the page makes: a 303 back to /account when done, or the page again with why it was refused.
 */
export function AccountForm(form: CsrfFormPostOptions, answers: AccountFormAnswers) {
  return applyDecorators(
    CsrfFormPost(form),
    RateLimit('closed', perIp(LOGIN_PER_IP)),
    ...Object.entries(answers).map(([status, description]) =>
      status === '200'
        ? ApiHtmlPage(description)
        : ApiResponse({ status: Number(status), description }),
    ),
  );
}
