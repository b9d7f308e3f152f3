import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CSRF_TOKEN_MAX_LENGTH } from '../csrf/csrf-protection';
import { SUPPORTED_LOCALES } from '../i18n/page-locale';

/** Example values of a page's form fields, for the OpenAPI description. */
export const FORM_FIELD_EXAMPLE = {
  /** A pending authorization request of the demo client, as /authorize sends it to /login. */
  returnTo:
    '/authorize?response_type=code&client_id=demo-client&redirect_uri=http%3A%2F%2Flocalhost%3A25001%2Fcallback&state=af0ifjsldkj&scope=profile&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256',
  /** Shaped like the real one (32 random bytes, base64url); it must equal the pg_csrf cookie. */
  csrfToken: 'Qz7Lw2V9nR4kXa1cT8mE5hJ0pY3uB6sD_FgHiKlMnOp',
} as const;

export const RETURN_TO_DESCRIPTION =
  'Where to go after login: a relative /authorize? path; anything else goes to /';
export const CSRF_TOKEN_DESCRIPTION =
  'The login page CSRF token, from its hidden field: it must equal the pg_csrf cookie';

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
    example: FORM_FIELD_EXAMPLE.csrfToken,
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
    ApiPropertyOptional({ description, example: FORM_FIELD_EXAMPLE.returnTo }),
    IsOptional(),
    IsString(),
  );
}

/** Longest `ui_locales` read: far above a list of every language a person could prefer. */
export const UI_LOCALES_MAX_LENGTH = 256;

/**
 * A page's `ui_locales` (OpenID Connect Core §3.1.2.1): the languages to show it in, in order of
 * preference, space-separated. A tag that names no supported language is passed over, never
 * refused (`chooseLocale`).
 */
export function UiLocalesField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description: `The page's language, as OpenID Connect's ui_locales: space-separated BCP 47 tags in order of preference, of: ${SUPPORTED_LOCALES.join(', ')}; others are passed over (then Accept-Language, then en)`,
      example: 'de en',
      maxLength: UI_LOCALES_MAX_LENGTH,
    }),
    IsOptional(),
    IsString(),
    MaxLength(UI_LOCALES_MAX_LENGTH),
  );
}
