import { ErrorAnswer, Outcome, describeError, describeReply, matchesError } from './expectations';
import { HttpClient } from './http';

/** What every refused registration may answer instead where open registration is off. */
const REGISTRATION_CLOSED: ErrorAnswer = { status: 403, error: 'access_denied' };

/** A redirect URI the registration rules accept, for the rows refused for another reason. */
const GOOD_REDIRECT_URI = 'https://app.example/callback';

/**
 * Abuse of dynamic client registration (RFC 7591 §3, RFC 9700 §4.1, §4.15): requests an
 * attacker would send to POST /register. Each is refused, so a run stores no client.
 */
export class RegistrationLab {
  private readonly http: HttpClient;

  constructor(baseUrl: string, signal?: AbortSignal) {
    this.http = new HttpClient(baseUrl, signal);
  }

  /** RFC 9700 §2.1: plain http only to loopback; a code must never travel to another host. */
  foreignRedirectUri(): Promise<Outcome> {
    return this.refused(
      { redirect_uris: ['http://evil.example/cb'], token_endpoint_auth_method: 'none' },
      {
        status: 400,
        error: 'invalid_redirect_uri',
        description:
          'redirect_uris[0] may use http only on a loopback host (127.0.0.1, [::1] or localhost); use https',
      },
    );
  }

  /** RFC 7591 §3: a client secret proves nothing about who registered it. */
  confidentialWithoutToken(): Promise<Outcome> {
    return this.refused(
      { redirect_uris: [GOOD_REDIRECT_URI], token_endpoint_auth_method: 'client_secret_basic' },
      { status: 400, error: 'invalid_client_metadata' },
    );
  }

  /** RFC 6750 §3.1: a made-up initial access token is refused, whatever the client type. */
  wrongInitialAccessToken(): Promise<Outcome> {
    return this.refused(
      { redirect_uris: [GOOD_REDIRECT_URI], token_endpoint_auth_method: 'client_secret_basic' },
      {
        status: 401,
        error: 'invalid_token',
        description: 'The initial access token is invalid',
      },
      { authorization: 'Bearer lab-guessed-initial-access-token' },
      false,
    );
  }

  /** OAuth 2.1 §4.1: no implicit grant; a client cannot register for tokens in the redirect. */
  implicitResponseType(): Promise<Outcome> {
    return this.refused(
      {
        redirect_uris: [GOOD_REDIRECT_URI],
        token_endpoint_auth_method: 'none',
        response_types: ['token'],
      },
      {
        status: 400,
        error: 'invalid_client_metadata',
        description: 'response_types may contain only code',
      },
    );
  }

  /** The consent screen shows client_name: a right-to-left override would disguise it. */
  spoofedClientName(): Promise<Outcome> {
    return this.refused(
      {
        redirect_uris: [GOOD_REDIRECT_URI],
        token_endpoint_auth_method: 'none',
        client_name: 'Demo\u202Etneilc',
      },
      {
        status: 400,
        error: 'invalid_client_metadata',
        description: 'client_name must not contain control or format characters',
      },
    );
  }

  /**
   * One registration that must be refused with `expected`; where open registration is off the
   * service refuses it before reading it (403 access_denied), which is a refusal too.
   */
  private async refused(
    body: Record<string, unknown>,
    expected: ErrorAnswer,
    headers: Record<string, string> = {},
    orClosed = true,
  ): Promise<Outcome> {
    const reply = await this.http.post('/register', { json: body, headers });
    const closed = orClosed && matchesError(reply, REGISTRATION_CLOSED);
    return {
      expected: orClosed
        ? `${describeError(expected)} (${describeError(REGISTRATION_CLOSED)} if open registration is off)`
        : describeError(expected),
      answered: describeReply(reply),
      passed: matchesError(reply, expected) || closed,
    };
  }
}
