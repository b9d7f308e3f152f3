import type { ProofDescriptor } from '../proofs/proof-descriptor';

/**
 * A client secret (RFC 6749 §2.3.1: client_secret_basic or client_secret_post): the shared
 * secret a confidential client sends with each request, checked against its stored hash. No
 * challenge: the same secret proves the client every time, so the figures count presentations.
 */
export const CLIENT_SECRET_PROOF = {
  id: 'client_secret',
  label: 'Client secret (RFC 6749 §2.3.1)',
  shortLabel: 'client secret',
  challengeKinds: ['client_secret'],
  comparison: {
    protocol: {
      name: 'Client password: a shared secret sent with every request',
      standard: ['RFC 6749 §2.3.1', 'OAuth 2.1 §2.4.1', 'RFC 7591 §3.2.1'],
      client_generates: 'nothing: the server issues the secret at registration and shows it once',
      sent_up_front:
        'nothing: the secret is issued once (proofgate-admin, OAUTH_CLIENTS or POST /register)',
      server_stores:
        "the secret's scrypt hash, for the client's lifetime (two during a rotation's overlap, each with its expiry); no record per request",
      bound_to: ['client_id'],
      client_proves_later:
        'the secret itself, in HTTP Basic (client_secret_basic) or the form body (client_secret_post), with every request to /token, /par, /revoke or /introspect',
      server_verifies:
        'the secret against the scrypt hash of each live secret (a verdict cached briefly, wrong secrets throttled per client and address)',
      cryptography: 'none on the wire (TLS only); scrypt at rest',
      endpoints: ['POST /token', 'POST /par', 'POST /revoke', 'POST /introspect'],
    },
    threats: {
      stops: [
        'a caller that does not know the secret',
        'the stored hashes leaking: scrypt makes each one costly to guess',
      ],
      does_not_stop: [
        'a secret read off the wire, a log or a proxy: it is the same secret every time, replayable until rotated',
        'a request made for another server: nothing binds the secret to an audience',
        'a leak from the client: rotate with proofgate-admin clients rotate-secret, or use private_key_jwt',
      ],
    },
    chartColour: '#92400e',
    storageKey: 'the client_id (the hash is part of the client record)',
    // Nothing is stored per presentation: nothing lives, nothing expires.
    lifetimeSeconds: () => 0,
    costPerRequest:
      'one scrypt verification (32 MiB, tens of milliseconds) per new (client, secret) pair; a verdict is remembered briefly in memory, so a busy client costs none',
    settings: () => ({
      storage: 'scrypt hash; a verified secret is remembered in memory for a few minutes',
    }),
    figures: [
      ['Secrets accepted', 'issued'],
      ['Secrets refused', 'rejected.total'],
      ['Refused, by reason', 'rejected.by_reason'],
    ],
  },
} satisfies ProofDescriptor<'client_secret'>;
