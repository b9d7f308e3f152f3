import type { ProofDescriptor } from '../../proofs/proof-descriptor';

/**
 * RFC 7523 §3: an assertion is accepted at most this long before its `exp` (a longer-lived one
 * is refused), and its `jti` remembered as long as it could be accepted.
 */
export const CLIENT_ASSERTION_MAX_LIFETIME_SECONDS = 300;
/** Clock skew allowed between the client and the server, either way. */
export const CLIENT_ASSERTION_CLOCK_SKEW_SECONDS = 30;

/** private_key_jwt (RFC 7523 §2.2): a client proves itself with a JWT signed by its own key. */
export const PRIVATE_KEY_JWT_PROOF = {
  id: 'private_key_jwt',
  label: 'private_key_jwt (RFC 7523)',
  shortLabel: 'private_key_jwt',
  challengeKinds: ['client_assertion_jti'],
  comparison: {
    protocol: {
      name: 'JWT client authentication with a private key',
      standard: ['RFC 7523 §2.2, §3', 'RFC 7521 §4.2', 'OpenID Connect Core §9'],
      client_generates:
        'an asymmetric key pair (ES256, PS256, RS256 or EdDSA), registering only the public key (jwks or jwks_uri)',
      sent_up_front: 'nothing: the public key is registered once',
      server_stores:
        "the client's public keys (or its jwks_uri, fetched and cached); one record per assertion jti, until the assertion expires",
      bound_to: ['iss = sub = client_id', 'aud = the issuer, as one string', 'exp', 'jti'],
      client_proves_later:
        'a fresh assertion JWT (client_assertion) with every request to /token, /par, /revoke or /introspect',
      server_verifies:
        'signature by a registered key of an allowed alg (never HS* or none), iss, sub, aud, exp within 5 minutes, iat/nbf, and the jti unseen fleet-wide',
      cryptography: 'JWS signature (ECDSA P-256, RSA, RSA-PSS or Ed25519)',
      endpoints: ['POST /token', 'POST /par', 'POST /revoke', 'POST /introspect'],
    },
    threats: {
      stops: [
        'a shared secret leaking from the server: the server holds public keys only',
        'an assertion replayed: its jti is recorded once for the whole fleet',
        'an assertion made for another server (aud) or living long (exp bound)',
        'an HS256 assertion keyed with a guessed or leaked secret, or alg none',
      ],
      does_not_stop: [
        'a stolen private key (rotate it with proofgate-admin clients set-jwks)',
        'a compromised client: its key signs whatever it is asked to',
      ],
    },
    chartColour: '#475569',
    storageKey: 'SHA-256 of the client_id and the assertion jti',
    lifetimeSeconds: () =>
      CLIENT_ASSERTION_MAX_LIFETIME_SECONDS + CLIENT_ASSERTION_CLOCK_SKEW_SECONDS,
    costPerRequest:
      'one insert per assertion (a duplicate key is a replay), before the request changes anything; a jwks_uri fetch only when its cache is cold or a kid is unknown',
    settings: () => ({
      algorithms: 'ES256, PS256, RS256, EdDSA (never HS* or none)',
      lifetime: `exp at most ${CLIENT_ASSERTION_MAX_LIFETIME_SECONDS} s ahead, ${CLIENT_ASSERTION_CLOCK_SKEW_SECONDS} s clock skew`,
    }),
    figures: [
      ['Assertions accepted (jti recorded once)', 'issued'],
      ['Assertions refused', 'rejected.total'],
      ['Refused, by reason', 'rejected.by_reason'],
    ],
  },
} satisfies ProofDescriptor<'private_key_jwt'>;
