import { EndSessionParam } from './end-session-params';

/** OpenID Connect RP-Initiated Logout 1.0 §2: GET query or POST form of /end_session. */
export class EndSessionRequestDto {
  @EndSessionParam(
    'An ID token this server issued to the client (an expired one is accepted): says whose session to end',
    'eyJhbGciOiJFUzI1NiIsImtpZCI6ImV4YW1wbGUiLCJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ1c2VyMCJ9.c2lnbmF0dXJl',
  )
  id_token_hint?: string;

  @EndSessionParam(
    'The client asking; must be the hint’s audience when both are sent',
    'demo-client',
  )
  client_id?: string;

  @EndSessionParam(
    'Where to send the browser afterwards: exactly one of the client’s registered post_logout_redirect_uris',
    'http://localhost:25001/signed-out',
  )
  post_logout_redirect_uri?: string;

  @EndSessionParam('Echoed to post_logout_redirect_uri', 'af0ifjsldkj')
  state?: string;

  @EndSessionParam(
    'The languages of the confirmation and signed-out pages, space-separated, in order of preference (OpenID Connect Core §3.1.2.1); others are passed over',
    'de en',
  )
  ui_locales?: string;

  @EndSessionParam('Accepted and ignored: id_token_hint says whose session it is', 'user0')
  logout_hint?: string;
}
