import { Header, HttpCode, applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../platform/openapi/error-response.dto';
import { TokenResponseDto } from './token-response.dto';

/**
 * The answers of an endpoint that trades a proof for tokens (POST /wallet/verify, POST
 * /passkeys/authentication/verify): 200 with the token response of POST /token (RFC 6749 §5.1),
 * never cached (§5.1: no-store), or 401 with what `refusals` lists.
 */
export function TokenResponseAnswers(refusals: string) {
  return applyDecorators(
    ApiOkResponse({ type: TokenResponseDto }),
    ApiUnauthorizedResponse({ description: refusals, type: ErrorResponseDto }),
    HttpCode(200),
    Header('Cache-Control', 'no-store'),
  );
}
