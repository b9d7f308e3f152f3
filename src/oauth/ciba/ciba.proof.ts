import type { ProofDescriptor } from '../../proofs/proof-descriptor';

/**
 * A backchannel authentication request (OpenID CIBA Core 1.0, poll and ping modes): a client asks for a
 * person by a hint, polls with the `auth_req_id`, and the person approves on their account page.
 */
export const CIBA_PROOF = {
  id: 'ciba',
  label: 'Backchannel authentication (OpenID CIBA)',
  shortLabel: 'CIBA',
  challengeKinds: ['ciba_request', 'ciba_approval'],
  comparison: {
    protocol: {
      name: 'OpenID Client-Initiated Backchannel Authentication, poll and ping modes',
      standard: ['CIBA Core 1.0', 'RFC 9396', 'RFC 8707'],
      client_generates: 'nothing secret: the server makes the auth_req_id',
      sent_up_front:
        'POST /backchannel with client authentication, scope (openid), one hint of the person (login_hint or id_token_hint), a binding message, authorization details',
      server_stores:
        'the SHA-256 of a 256-bit auth_req_id, bound to the client and to the account asked, with the request and the state it polls; per approval proof a challenge bound to the request’s RFC 8785 hash, the account, the method and a fresh nonce',
      bound_to: ['client_id', 'account', 'request_hash'],
      client_proves_later:
        'the auth_req_id at POST /token (grant_type urn:openid:params:grant-type:ciba), every interval seconds, while the person answers on /account/approvals with a passkey assertion or a wallet signature over the exact request (or, without authorization details, a click)',
      server_verifies:
        'the auth_req_id is live, issued to this client and approved by its account; redemption spends it atomically; an early poll gets slow_down and 5 s more',
      cryptography:
        'a random identifier for the client; the person’s approval: a WebAuthn assertion (UV required) or an EIP-712 / Ed25519 / BIP-322 signature over SHA-256 of the request’s RFC 8785 JSON',
      endpoints: [
        'POST /backchannel',
        'GET/POST /account/approvals',
        'POST /account/approvals/{id}/challenge',
        'POST /token',
      ],
    },
    threats: {
      stops: [
        'account enumeration: a hint that names nobody (or a locked account) answers and polls as any other until it expires',
        'polling abuse: a poll before the interval gets slow_down and a longer interval, held atomically across polls',
        'a flood hiding a real request: one client keeps at most CIBA_MAX_PENDING_PER_CLIENT requests pending for one person, and the approvals page says how many wait past the 20 it lists',
        'cross-client redemption: an auth_req_id is redeemed only by the client it was issued to',
        'another account answering: the answer is a compare-and-set bound to the account asked',
        'replay: the auth_req_id is spent by the one redemption; an approval proof’s challenge is spent by the one approve',
        'approving other details than shown: the proof signs the request’s canonical hash, and a signature over another request or another challenge’s nonce is refused',
      ],
      does_not_stop: [
        'a person approving a request they did not expect (the binding message and the details are there to compare)',
        'an approval by a session alone is no proof over the request: it is allowed only without authorization details',
        'theft of the tokens after they are issued (DPoP binds them to a key)',
      ],
    },
    chartColour: '#b45309',
    storageKey: 'SHA-256 of the auth_req_id',
    lifetimeSeconds: ({ challenges }) => challenges.cibaRequestTtlSeconds,
    usedBy: [
      {
        clients: 'agents and back-office clients that ask a person who is not at their screen',
        through: [
          'a confidential client registered for urn:openid:params:grant-type:ciba (grant_types, backchannel_token_delivery_mode poll, or ping with a backchannel_client_notification_endpoint)',
          ({ challenges }) =>
            `requests valid ${challenges.cibaRequestTtlSeconds} s, polled every ${challenges.cibaIntervalSeconds} s or more (CIBA_REQUEST_TTL_SECONDS, CIBA_INTERVAL_SECONDS)`,
          'the person approves or denies at /account/approvals, signed in with any method of the login page',
        ],
        standards: ['CIBA Core 1.0'],
      },
    ],
  },
} satisfies ProofDescriptor<'ciba'>;
