import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../platform/csrf/csrf-protection';
import { CSRF_TOKEN_DESCRIPTION, LOGIN_EXAMPLE, RETURN_TO_DESCRIPTION } from './login.examples';

/**
 * A page's CSRF token field (`csrf_token`), on every form and page request that changes state.
 * Optional to validation on purpose: its absence is a failed CSRF check, answered as such, not a
 * malformed body; a repeated or over-long value is malformed. `required` is what the OpenAPI
 * description says (a page's script always sends it; a form may not).
 */
export function CsrfTokenField(
  docs: { required?: boolean; description?: string } = {},
): PropertyDecorator {
  const documented = {
    description: docs.description ?? CSRF_TOKEN_DESCRIPTION,
    example: LOGIN_EXAMPLE.csrfToken,
    maxLength: CSRF_TOKEN_MAX_LENGTH,
  };
  return applyDecorators(
    docs.required
      ? ApiProperty({ required: true, ...documented })
      : ApiPropertyOptional(documented),
    IsOptional(),
    IsString(),
    MaxLength(CSRF_TOKEN_MAX_LENGTH),
  );
}

/**
 * A page's `return_to` field: where to go afterwards. Checked by `safeReturnTo`, which replaces an
 * unsafe value rather than refusing it, so validation only asks for one string.
 */
export function ReturnToField(description = RETURN_TO_DESCRIPTION): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description, example: LOGIN_EXAMPLE.returnTo }),
    IsOptional(),
    IsString(),
  );
}

/**
 * What a JSON login sent from the login page (POST /login/siwe, /login/passkey) carries besides
 * its proof: the page's CSRF token and return_to, checked as for the password form.
 */
export class LoginPageFieldsDto {
  @CsrfTokenField({
    required: true,
    description: `${CSRF_TOKEN_DESCRIPTION} (its absence is a failed CSRF check)`,
  })
  csrf_token?: string;

  @ReturnToField()
  return_to?: string;
}
