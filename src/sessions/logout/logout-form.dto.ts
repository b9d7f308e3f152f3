import { CsrfTokenField, ReturnToField } from '../../platform/http/form-fields';

/** POST /logout body: the page's CSRF token, and where to go afterwards. */
export class LogoutFormDto {
  @CsrfTokenField()
  csrf_token?: string;

  /** Followed only when `safeReturnTo` keeps it unchanged; otherwise the browser goes to /login. */
  @ReturnToField(
    'Where to go afterwards: a relative /authorize? path; anything else goes to /login',
  )
  return_to?: string;
}
