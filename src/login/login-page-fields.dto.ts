import {
  CSRF_TOKEN_DESCRIPTION,
  CsrfTokenField,
  ReturnToField,
  UiLocalesField,
} from '../platform/http/form-fields';

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

  /** The login page's language, for the page a form post answers with (email sign-in's). */
  @UiLocalesField()
  ui_locales?: string;
}
