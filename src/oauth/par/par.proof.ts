import type { ProofDescriptor } from '../../proofs/proof-descriptor';

/** Pushed authorization requests (RFC 9126): the request sent ahead, a one-use reference back. */
export const PAR_PROOF = {
  id: 'par',
  label: 'PAR (RFC 9126)',
  shortLabel: 'PAR',
  challengeKinds: ['par_request_uri'],
  comparison: {
    protocol: {
      name: 'Pushed authorization requests',
      standard: ['RFC 9126', 'RFC 9101 §6.2'],
      client_generates: 'the authorization request (PKCE, redirect URI, scope, state...)',
      sent_up_front:
        'POST /par with client authentication and every authorization parameter: checked before the user is sent anywhere',
      server_stores:
        'the checked request under the SHA-256 of a 256-bit request_uri, bound to the client',
      bound_to: ['client_id'],
      client_proves_later:
        'GET /authorize?client_id=…&request_uri=…: the same client, within the lifetime, once',
      server_verifies:
        'the request_uri is live and unspent and was pushed by this client; it is spent atomically as the code is issued',
      cryptography: 'none beyond TLS and client authentication: a random reference',
      endpoints: ['POST /par', 'GET /authorize'],
    },
    threats: {
      stops: [
        'tampering with the request in the front channel (redirect_uri, scope, code_challenge)',
        'leakage of the parameters through URLs: history, logs, Referer',
        'long authorization URLs',
        'a request_uri used twice, by another client, or after it expired',
      ],
      does_not_stop: [
        'theft of the code or tokens afterwards (PKCE and DPoP do that)',
        'phishing of the user on a look-alike authorization server',
      ],
    },
    chartColour: '#a16207',
    storageKey: 'SHA-256 of the request_uri',
    lifetimeSeconds: ({ par }) => par.requestUriTtlSeconds,
    costPerRequest:
      'one insert at POST /par; one read per /authorize visit and one atomic consume when the code is issued',
    settings: ({ par }) => ({
      required: `${par.required ? 'every client' : 'the clients registered with require_pushed_authorization_requests'} (REQUIRE_PUSHED_AUTHORIZATION_REQUESTS=${par.required})`,
    }),
    figures: [
      ['Pushed (POST /par)', 'issued'],
      ['Used at /authorize (a code issued)', 'redeemed'],
      ['Expired unused', 'expired_unredeemed'],
      ['Refused at /authorize', 'rejected.total'],
      ['Refused, by reason', 'rejected.by_reason'],
      ['Push to use p50 (ms, bucket bound)', 'redemption_latency_ms.p50'],
      ['Push to use p95 (ms, bucket bound)', 'redemption_latency_ms.p95'],
    ],
    live: 'request_uris waiting now (pushed, not used or expired)',
  },
} satisfies ProofDescriptor<'par'>;
