import type { ProofDescriptor } from '../../../../proofs/proof-descriptor';

/** How far apart this server's clock and an issuer's may be. */
export const ASSERTION_CLOCK_SKEW_SECONDS = 30;
/** The longest an assertion may live from now (its `jti` is remembered that long). */
export const ASSERTION_MAX_LIFETIME_SECONDS = 3600;

/**
 * The JWT-bearer grant (RFC 7523 §2.1): a client presents an assertion an issuer the operator
 * trusts signed (an ID-JAG of MCP enterprise-managed authorization, or a workload's identity JWT)
 * for an access token.
 */
export const JWT_BEARER_PROOF = {
  id: 'jwt_bearer',
  label: 'JWT-bearer grant (RFC 7523, ID-JAG)',
  shortLabel: 'JWT-bearer',
  challengeKinds: ['jwt_bearer_jti'],
  comparison: {
    protocol: {
      name: 'JWT authorization grant: an assertion from a trusted issuer',
      standard: [
        'RFC 7523 §2.1, §3',
        'draft-ietf-oauth-identity-assertion-authz-grant (ID-JAG)',
        'MCP enterprise-managed authorization',
      ],
      client_generates:
        'nothing of its own: it obtains the assertion from its identity provider (an ID-JAG by token exchange at the IdP) or its platform (a workload JWT)',
      sent_up_front: 'nothing: the operator trusts the issuer once (JWT_BEARER_ISSUERS)',
      server_stores:
        "the issuers' JWK Sets (fetched and cached); one record per assertion jti, until the assertion expires",
      bound_to: [
        'iss = a trusted issuer',
        'aud = this server (or the issuer entry’s audience), as one string',
        'client_id = the authenticated client (ID-JAG; a workload JWT’s client_id or azp, or the issuer entry’s clients)',
        'resource and scope (ID-JAG)',
        'exp',
        'jti',
      ],
      client_proves_later:
        'its own authentication (client secret or private_key_jwt) with the assertion, at POST /token',
      server_verifies:
        "signature by the issuer's key of an allowed alg (never HS* or none), typ, iss, aud, client_id, exp within an hour, iat/nbf, and the jti unseen fleet-wide",
      cryptography: 'JWS signature (ECDSA, RSA, RSA-PSS or Ed25519) by the issuer',
      endpoints: ['POST /token'],
    },
    threats: {
      stops: [
        'an assertion replayed: its jti is recorded once for the whole fleet',
        'an assertion stolen from the client it was issued to (ID-JAG client_id, a workload JWT’s client_id or azp, and the client must authenticate)',
        'a workload taken for a person: a workload’s subject (wl:…) is never an ID-JAG user’s (jwt:…), and its token has no account or acr',
        'an assertion made for another server (aud), or from an issuer nobody trusted',
        'scope escalation: the token holds at most the asserted, the issuer’s and the client’s scopes, never account',
        'a stronger sign-in skipped: a resource or scope with an acr minimum needs an ID-JAG asserting it',
      ],
      does_not_stop: [
        'a compromised trusted issuer: it vouches for whom it likes (remove it from JWT_BEARER_ISSUERS)',
        'a stolen assertion together with the client’s own credentials',
      ],
    },
    chartColour: '#0f766e',
    storageKey: 'SHA-256 of the issuer and the assertion jti',
    lifetimeSeconds: () => ASSERTION_MAX_LIFETIME_SECONDS + ASSERTION_CLOCK_SKEW_SECONDS,
    costPerRequest:
      "one insert per assertion (a duplicate key is a replay), beside the grant's token; a jwks_uri fetch only when its cache is cold or a kid is unknown",
    settings: () => ({
      algorithms: 'ES256/384/512, PS256/384/512, RS256/384/512, EdDSA (never HS* or none)',
      lifetime: `exp at most ${ASSERTION_MAX_LIFETIME_SECONDS} s ahead, ${ASSERTION_CLOCK_SKEW_SECONDS} s clock skew`,
      issuers: 'JWT_BEARER_ISSUERS',
    }),
    figures: [
      ['Assertions accepted (jti recorded once)', 'issued'],
      ['Assertions refused', 'rejected.total'],
      ['Refused, by reason', 'rejected.by_reason'],
    ],
  },
} satisfies ProofDescriptor<'jwt_bearer'>;
