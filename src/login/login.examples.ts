/** Example values for the OpenAPI description of the login endpoints. */
export const LOGIN_EXAMPLE = {
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
