import type { ProofDescriptor } from '../../proofs/proof-descriptor';

/**
 * The device authorization grant (RFC 8628): a device code the client polls with, and a short
 * user code the user types, signed in on another device.
 */
export const DEVICE_PROOF = {
  id: 'device',
  label: 'Device authorization (RFC 8628)',
  shortLabel: 'Device',
  challengeKinds: ['device_code', 'device_user_code'],
  comparison: {
    protocol: {
      name: 'OAuth 2.0 device authorization grant',
      standard: ['RFC 8628', 'RFC 6749', 'RFC 8707'],
      client_generates: 'nothing secret: the server makes both codes',
      sent_up_front:
        'POST /device_authorization with client authentication (a public client: its client_id), scope and resource',
      server_stores:
        'the SHA-256 of a 256-bit device code, bound to the client, with the state it polls; and the SHA-256 of an 8-letter user code (20 consonants, 34.6 bits) naming the device code by its hash',
      bound_to: ['client_id'],
      client_proves_later:
        'the device code at POST /token (grant_type urn:ietf:params:oauth:grant-type:device_code), every interval seconds, while the user signs in at /device on another device and confirms',
      server_verifies:
        'the device code is live, issued to this client and approved; approval spends the user code, redemption spends the device code, each atomically; an early poll gets slow_down and 5 s more',
      cryptography: 'none beyond TLS and client authentication: random codes',
      endpoints: ['POST /device_authorization', 'GET/POST /device', 'POST /token'],
    },
    threats: {
      stops: [
        'user code brute force: 429 after 9 wrong codes per address and per code in 10 minutes, codes live minutes',
        'polling abuse: a poll before the interval gets slow_down and a longer interval, held atomically across polls',
        'cross-client redemption: a device code is redeemed only by the client it was issued to',
        'approval replay: the user code is spent by the answer, the device code by the one redemption',
        'a silent approval: the page names the client and scopes and always asks for an explicit confirm',
      ],
      does_not_stop: [
        'remote phishing: a user talked into typing an attacker’s user code (RFC 8628 §5.4); the page can only name the client',
        'theft of the tokens after they are issued (DPoP binds them to a key)',
        'a device code leaked from the device before it is redeemed',
      ],
    },
    chartColour: '#4d7c0f',
    storageKey: 'SHA-256 of the device code (and of the user code)',
    lifetimeSeconds: ({ challenges }) => challenges.deviceCodeTtlSeconds,
    usedBy: [
      {
        clients: 'CLIs, TVs and agents without a browser',
        through: [
          'a client registered for urn:ietf:params:oauth:grant-type:device_code (grant_types)',
          ({ challenges }) =>
            `codes valid ${challenges.deviceCodeTtlSeconds} s, polled every ${challenges.deviceCodeIntervalSeconds} s or more (DEVICE_CODE_TTL_SECONDS, DEVICE_CODE_INTERVAL_SECONDS)`,
          'the user signs in at /device with any method of the login page: password, wallet, passkey',
        ],
        standards: ['RFC 8628'],
      },
    ],
  },
} satisfies ProofDescriptor<'device'>;
