import type { SchemaObject } from '@nestjs/swagger';

/** Response schemas of the public API, referenced from the controllers' Swagger decorators. */
const str = (description?: string): SchemaObject => ({ type: 'string', description });
const int = (description?: string): SchemaObject => ({ type: 'integer', description });
const obj = (properties: Record<string, SchemaObject>, required?: string[]): SchemaObject => ({
  type: 'object',
  properties,
  required: required ?? Object.keys(properties),
});

export const ERROR_SCHEMA = obj({
  error: str('RFC 6749 error code, or a wallet error code'),
  error_description: str('Human-readable, never contains a secret'),
});

export const TOKEN_RESPONSE_SCHEMA = obj({
  access_token: str('RFC 9068 JWT access token'),
  token_type: { type: 'string', enum: ['Bearer'] },
  expires_in: int('Seconds'),
  refresh_token: str('Opaque, rotated on every use'),
  scope: str(),
});

export const HEALTH_SCHEMA = obj({
  status: { type: 'string', enum: ['ok', 'unavailable'] },
  checks: obj({
    database: obj(
      { status: { type: 'string', enum: ['up', 'down'] }, latency_ms: { type: 'number' } },
      ['status'],
    ),
  }),
});

export const METADATA_SCHEMA: SchemaObject = {
  ...obj({
    issuer: str(),
    authorization_endpoint: str(),
    token_endpoint: str(),
    revocation_endpoint: str(),
    introspection_endpoint: str(),
    jwks_uri: str(),
    response_types_supported: { type: 'array', items: str() },
    grant_types_supported: { type: 'array', items: str() },
    code_challenge_methods_supported: { type: 'array', items: str() },
    token_endpoint_auth_methods_supported: { type: 'array', items: str() },
    scopes_supported: { type: 'array', items: str() },
    authorization_response_iss_parameter_supported: { type: 'boolean' },
  }),
  description: 'RFC 8414 authorization server metadata',
};

export const INTROSPECTION_SCHEMA: SchemaObject = {
  ...obj(
    {
      active: { type: 'boolean' },
      token_type: { type: 'string', enum: ['Bearer', 'refresh_token'] },
      client_id: str(),
      sub: str(),
      scope: str(),
      exp: int(),
      iat: int(),
      iss: str(),
      aud: str(),
      jti: str(),
      auth_method: { type: 'string', enum: ['password', 'siwe'] },
    },
    ['active'],
  ),
  description: 'RFC 7662: `{ "active": false }` for anything not active and yours',
};

export const JWKS_SCHEMA = obj({
  keys: {
    type: 'array',
    items: {
      ...obj({ kty: str(), kid: str(), alg: str(), use: str() }),
      additionalProperties: true,
    },
  },
});

export const ME_SCHEMA = obj({
  sub: str('user name, or CAIP-10 account eip155:<chain>:<address>'),
  auth_method: { type: 'string', enum: ['password', 'siwe'] },
  client_id: str(),
  scope: str(),
  iss: str(),
  exp: int(),
});

export const WALLET_NONCE_SCHEMA = obj({
  nonce: str('96+ bits, alphanumeric'),
  address: str('EIP-55'),
  chainId: int(),
  domain: str(),
  uri: str(),
  issuedAt: str(),
  expirationTime: str(),
  message: str('The exact EIP-4361 text to sign'),
});

const WINDOW_FIGURES = obj({
  issued: int(),
  redeemed: int(),
  expired_unredeemed: int(),
  rejected: obj({
    total: int(),
    by_reason: { type: 'object', additionalProperties: { type: 'integer' } },
  }),
  redemption_latency_ms: obj({
    p50: { type: 'number', nullable: true },
    p95: { type: 'number', nullable: true },
  }),
});

export const CHALLENGE_MODEL_SCHEMA = obj({
  id: { type: 'string', enum: ['pkce', 'siwe'] },
  protocol: obj({
    name: str(),
    standard: { type: 'array', items: str() },
    client_generates: str(),
    sent_up_front: str(),
    server_stores: str(),
    bound_to: { type: 'array', items: str() },
    client_proves_later: str(),
    server_verifies: str(),
    cryptography: str(),
    endpoints: { type: 'array', items: str() },
  }),
  policy: obj({
    challenge_kind: str(),
    lifetime_seconds: int(),
    storage: obj({
      collection: str(),
      key: str(),
      ttl_index: obj({ field: str(), expire_after_seconds: int() }),
    }),
    delete_on_use: { type: 'boolean' },
    expiry_checked_in_consume: { type: 'boolean' },
    bound_to: { type: 'array', items: str() },
    threats: obj({
      stops: { type: 'array', items: str() },
      does_not_stop: { type: 'array', items: str() },
    }),
  }),
  figures: obj({
    live: int(),
    since: { type: 'string', nullable: true },
    since_start: WINDOW_FIGURES,
    last_5_minutes: WINDOW_FIGURES,
  }),
});

export const CHALLENGE_MODELS_SCHEMA = obj({
  generated_at: str(),
  window_seconds: int(),
  models: { type: 'array', items: CHALLENGE_MODEL_SCHEMA },
});

export const LIVE_CHALLENGES_SCHEMA = obj({
  challenges: {
    type: 'array',
    items: obj({
      model: { type: 'string', enum: ['pkce', 'siwe'] },
      key_hash_prefix: str('First 8 characters of the SHA-256 of the code or nonce'),
      created_at: str(),
      expires_at: str(),
      expires_in_seconds: int(),
      binding: { type: 'object', additionalProperties: str() },
    }),
  },
});

export const FORM = 'application/x-www-form-urlencoded';

export const TOKEN_REQUEST_SCHEMA = obj(
  {
    grant_type: { type: 'string', enum: ['authorization_code', 'refresh_token'] },
    code: str(),
    code_verifier: str('RFC 7636: 43-128 characters of [A-Za-z0-9-._~]'),
    redirect_uri: str(),
    refresh_token: str(),
    scope: str(),
    client_id: str('For public clients, or with client_secret_post'),
    client_secret: str('client_secret_post'),
  },
  ['grant_type'],
);

export const TOKEN_OPERATION_REQUEST_SCHEMA = obj(
  {
    token: str(),
    token_type_hint: { type: 'string', enum: ['access_token', 'refresh_token'] },
    client_id: str(),
    client_secret: str(),
  },
  ['token'],
);

export const LOGIN_FORM_SCHEMA = obj({
  username: str(),
  password: str(),
  csrf_token: str(),
  return_to: str('A relative /authorize? path; anything else goes to /'),
});

export const LOGOUT_FORM_SCHEMA = obj(
  {
    csrf_token: str('The CSRF token of the page the form is on'),
    return_to: str('A relative /authorize? path; anything else goes to /login'),
  },
  ['csrf_token'],
);

export const WALLET_NONCE_REQUEST_SCHEMA = obj({
  address: str('0x + 40 hex; mixed case must be a valid EIP-55 checksum'),
  chainId: int(),
});

export const WALLET_VERIFY_REQUEST_SCHEMA = obj(
  {
    message: str('EIP-4361 text, at most 4 KiB'),
    signature: str('0x-hex'),
    client_id: str('A registered public client; default `wallet`'),
  },
  ['message', 'signature'],
);

export const SIWE_SESSION_LOGIN_REQUEST_SCHEMA = obj(
  {
    message: str('EIP-4361 text from POST /wallet/nonce, at most 4 KiB'),
    signature: str('0x-hex personal_sign signature'),
    csrf_token: str(
      'The login page CSRF token: signed by the server for this browser, equal to the pg_csrf cookie',
    ),
    return_to: str('A relative /authorize? path; anything else goes to /'),
  },
  ['message', 'signature', 'csrf_token'],
);

export const SIWE_SESSION_LOGIN_SCHEMA = obj({
  redirect: str('Where to go next: the checked return_to, or /'),
});
