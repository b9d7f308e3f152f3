/**
 * Domain errors that map to the one response envelope `{ error, error_description }`.
 * Services throw these (never Nest's HttpException); ProtocolErrorFilter serialises them.
 * `description` is shown to the client, so it must never carry a secret.
 */
export abstract class ProtocolError extends Error {
  abstract readonly error: string;
  abstract readonly status: number;
  /** Extra response headers, e.g. WWW-Authenticate or Retry-After. */
  readonly headers: Record<string, string> = {};
  /** A finer, bounded label for figures and metrics (e.g. `wrong_verifier`); never shown. */
  reason?: string;

  constructor(readonly description: string) {
    super(description);
    this.name = new.target.name;
  }

  /** Tags the error with its figures/metrics reason: `throw new InvalidGrant(...).because('replay')`. */
  because(reason: string): this {
    this.reason = reason;
    return this;
  }
}

// RFC 6749 §5.2 and §4.1.2.1
export class InvalidRequest extends ProtocolError {
  readonly error = 'invalid_request';
  readonly status = 400;
}

/** A request whose target is longer than the service reads (RFC 9110 §15.5.15). */
export class UriTooLong extends ProtocolError {
  readonly error = 'invalid_request';
  readonly status = 414;
}

/** A request body larger than the service reads, or with more form fields (RFC 9110 §15.5.14). */
export class ContentTooLarge extends ProtocolError {
  readonly error = 'invalid_request';
  readonly status = 413;
}

/** A request body of a type or encoding the service does not read (RFC 9110 §15.5.16). */
export class UnsupportedMediaType extends ProtocolError {
  readonly error = 'invalid_request';
  readonly status = 415;
}

export class InvalidClient extends ProtocolError {
  readonly error = 'invalid_client';
  readonly status = 401;
  constructor(description: string, authScheme = 'Basic') {
    super(description);
    this.headers['WWW-Authenticate'] = `${authScheme} realm="proofgate"`;
  }
}

export class InvalidGrant extends ProtocolError {
  readonly error = 'invalid_grant';
  readonly status = 400;
}

export class UnauthorizedClient extends ProtocolError {
  readonly error = 'unauthorized_client';
  readonly status = 400;
}

export class UnsupportedGrantType extends ProtocolError {
  readonly error = 'unsupported_grant_type';
  readonly status = 400;
}

export class UnsupportedResponseType extends ProtocolError {
  readonly error = 'unsupported_response_type';
  readonly status = 400;
}

export class InvalidScope extends ProtocolError {
  readonly error = 'invalid_scope';
  readonly status = 400;
}

// RFC 8707 §2: the requested resource is invalid, unknown, or not allowed for this client.
export class InvalidTarget extends ProtocolError {
  readonly error = 'invalid_target';
  readonly status = 400;
}

// RFC 7591 §3.2.2: a registration refused for one of its redirect URIs ...
export class InvalidRedirectUri extends ProtocolError {
  readonly error = 'invalid_redirect_uri';
  readonly status = 400;
}

// ... or for another metadata value (also: a confidential registration not allowed).
export class InvalidClientMetadata extends ProtocolError {
  readonly error = 'invalid_client_metadata';
  readonly status = 400;
}

export class AccessDenied extends ProtocolError {
  readonly error = 'access_denied';
  readonly status = 403;
}

/**
 * A description as an RFC 6750 §3 `error_description` value, which may hold only
 * %x20-21 / %x23-5B / %x5D-7E: no `"`, no `\` (not even escaped), no control or non-ASCII
 * characters. Double and typographic quotes become `'`; anything else outside the set is dropped.
 */
export function headerDescription(description: string): string {
  return description
    .replace(/["\u201C\u201D\u2018\u2019]/g, "'")
    .replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '');
}

/**
 * An RFC 6750 §3 `WWW-Authenticate: Bearer` challenge naming `error`, with the description's
 * header-safe form and any further auth-params (`scope`, RFC 9470's `max_age`).
 */
function bearerChallenge(
  error: string,
  description: string,
  params: Record<string, string> = {},
): string {
  const more = Object.entries(params)
    .map(([name, value]) => `, ${name}="${value}"`)
    .join('');
  return `Bearer realm="proofgate", error="${error}", error_description="${headerDescription(description)}"${more}`;
}

/**
 * RFC 9728 §5.1: a protected resource's refusal names the resource's metadata in its challenge
 * (`Bearer` or `DPoP`), where a client learns the authorization server and the scopes to ask.
 * A refusal without a challenge (a `429`, say) is left as it is.
 */
export function namingResourceMetadata<E extends ProtocolError>(
  refusal: E,
  metadataUrl: string,
): E {
  const challenge = refusal.headers['WWW-Authenticate'];
  if (challenge !== undefined) {
    refusal.headers['WWW-Authenticate'] = `${challenge}, resource_metadata="${metadataUrl}"`;
  }
  return refusal;
}

/** RFC 6750 §3.1: an Authorization header of the Bearer or DPoP scheme that does not parse. */
export class MalformedAuthorization extends ProtocolError {
  readonly error = 'invalid_request';
  readonly status = 400;
  constructor() {
    super('The Authorization header must be "Bearer <token>" or "DPoP <token>"');
    this.headers['WWW-Authenticate'] = bearerChallenge(this.error, this.description);
  }
}

// RFC 6750 §3.1
export class InvalidToken extends ProtocolError {
  readonly error = 'invalid_token';
  readonly status = 401;
  constructor(description: string) {
    super(description);
    // The body keeps the description as written; the header gets the RFC 6750 §3 subset.
    this.headers['WWW-Authenticate'] = bearerChallenge(this.error, description);
  }
}

/**
 * RFC 6750 §3.1: a valid token without the scope the resource requires (`requiredScope`, when
 * one would do: none does for a token that names no user at a resource about users).
 */
export class InsufficientScope extends ProtocolError {
  readonly error = 'insufficient_scope';
  readonly status = 403;
  /** `resourceMetadata`: the resource's RFC 9728 metadata URL, named as its other refusals do. */
  constructor(description: string, requiredScope?: string, resourceMetadata?: string) {
    super(description);
    this.headers['WWW-Authenticate'] = bearerChallenge(this.error, description, {
      ...(requiredScope === undefined ? {} : { scope: requiredScope }),
      ...(resourceMetadata === undefined ? {} : { resource_metadata: resourceMetadata }),
    });
  }
}

/**
 * RFC 9470 §3: the token is valid, but the login behind it is older (`max_age`: how recent, in
 * seconds, a new login must be) or weaker (`acr_values`: the class it must achieve, e.g. `phr`)
 * than the resource accepts. A number alone is a `max_age`.
 */
export class InsufficientUserAuthentication extends ProtocolError {
  readonly error = 'insufficient_user_authentication';
  readonly status = 401;
  constructor(description: string, required: number | { acrValues?: string; maxAge?: number }) {
    super(description);
    const { acrValues, maxAge } = typeof required === 'number' ? { maxAge: required } : required;
    this.headers['WWW-Authenticate'] = bearerChallenge(this.error, description, {
      ...(acrValues === undefined ? {} : { acr_values: acrValues }),
      ...(maxAge === undefined ? {} : { max_age: String(maxAge) }),
    });
  }
}

export class NotFound extends ProtocolError {
  readonly error = 'not_found';
  readonly status = 404;
}

/**
 * RFC 9110 §15.5.6: the path has routes, none for the request's method. `Allow` lists the methods
 * its routes take, as the RFC requires of a 405.
 */
export class MethodNotAllowed extends ProtocolError {
  readonly error = 'invalid_request';
  readonly status = 405;
  constructor(description: string, allowed: readonly string[]) {
    super(description);
    this.headers['Allow'] = allowed.join(', ');
  }
}

/** The request conflicts with work already under way (e.g. a second lab run). */
export class Conflict extends ProtocolError {
  readonly error = 'conflict';
  readonly status = 409;
}

/** RFC 9110 §15.5.13: the `If-Match` of a change names a version that is no longer current. */
export class PreconditionFailed extends ProtocolError {
  readonly error = 'precondition_failed';
  readonly status = 412;
}

/** RFC 6585 §3: a change without `If-Match`, where the resource requires one. */
export class PreconditionRequired extends ProtocolError {
  readonly error = 'precondition_required';
  readonly status = 428;
}

export class TooManyRequests extends ProtocolError {
  readonly error = 'too_many_requests';
  readonly status = 429;
  constructor(description: string, retryAfterSeconds: number) {
    super(description);
    this.headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

export class TemporarilyUnavailable extends ProtocolError {
  readonly error = 'temporarily_unavailable';
  readonly status = 503;
  constructor(description: string, retryAfterSeconds = 5) {
    super(description);
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

export class ServerError extends ProtocolError {
  readonly error = 'server_error';
  readonly status = 500;
}
