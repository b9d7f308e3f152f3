import { Header, applyDecorators } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { RateLimit, type RateLimitRule, perIp } from '../../platform/rate-limit/rate-limit';
import { PageSignInResponseDto } from '../page-sign-in-response.dto';

const DISABLED = 'not_found: email sign-in is not enabled here (EMAIL_LOGIN, or no mail transport)';

/** An email sign-in route: what it does, and the limit per IP it is charged to. */
export interface EmailLoginRouteOptions {
  readonly limit: RateLimitRule;
  readonly summary: string;
  readonly description: string;
}

/**
 * What every email sign-in route declares: its limit per IP, its documentation, the not_found it
 * answers where email sign-in is off, and no caching of its answer.
 */
export function EmailLoginRoute({ limit, summary, description }: EmailLoginRouteOptions) {
  return applyDecorators(
    RateLimit('closed', perIp(limit)),
    ApiOperation({ summary, description }),
    ApiNotFoundResponse({ description: DISABLED, type: ErrorResponseDto }),
    Header('Cache-Control', 'no-store'),
  );
}

/** A sign-in's answer: where to go next, as JSON for a script, as a 303 for a browser's form. */
export function SignedInAnswers(json: string) {
  return applyDecorators(
    ApiOkResponse({ description: json, type: PageSignInResponseDto }),
    ApiResponse({
      status: 303,
      description: 'Logged in (a browser’s form post): Location is return_to',
    }),
  );
}
