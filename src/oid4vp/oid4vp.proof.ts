import { ANY_SIGN_IN, type ProofDescriptor } from '../proofs/proof-descriptor';
import { AMR } from '../proofs/proof-vocabulary';

/**
 * Sign in with an identity wallet: an OpenID4VP 1.0 presentation of an SD-JWT VC (RFC 9901), its
 * key-binding JWT carrying this verifier's `client_id` and the request's `nonce`, redeemed once
 * under the request's `state`.
 */
export const OID4VP_PROOF = {
  id: 'oid4vp',
  label: 'Identity wallets (OpenID4VP 1.0, SD-JWT VC)',
  shortLabel: 'Identity wallet',
  amr: AMR.oid4vp,
  acr: ANY_SIGN_IN,
  // The request stands for the model (its lifetime is the nonce's and the state's).
  challengeKinds: ['oid4vp_request', 'oid4vp_state', 'oid4vp_response_code', 'oid4vp_link_code'],
  // A link for this device, a QR code for a phone, then polling; shown once its script runs.
  loginButton: {
    text: { id: 'login.button.oid4vp' },
    scripts: ['/static/identity-wallet-login.js'],
    until: 'hidden',
    offered: ({ oid4vp }) => oid4vp.enabled,
  },
  comparison: {
    protocol: {
      name: 'OpenID4VP presentation of an SD-JWT VC, with key binding',
      standard: [
        'OpenID for Verifiable Presentations 1.0',
        'RFC 9901 (SD-JWT)',
        'SD-JWT VC',
        'DCQL',
        'Token Status List',
        'RFC 8176',
      ],
      client_generates:
        'the key-binding JWT: signed by the holder key the credential is bound to (cnf.jwk), over the request’s nonce, this verifier’s client_id and the SHA-256 of the presented SD-JWT',
      sent_up_front:
        'POST /oid4vp/requests (the login page, or a registered client): an authorization request by reference (request_uri), shown as a link and a QR code; the wallet fetches the request object (GET or POST), unsigned for redirect_uri:, signed with the verifier certificate for x509_hash:',
      server_stores:
        'the request under the SHA-256 of its id, bound to the browser (or the script’s handle); its state under its SHA-256, with the nonce, client_id and, for direct_post.jwt, the request’s own ECDH-ES private key sealed (AES-256-GCM under KEY_ENCRYPTION_SECRET); after a same-device answer, the SHA-256 of the response_code',
      bound_to: [
        'browser (pre-login session) or script handle',
        'nonce',
        'client_id',
        'holder key',
      ],
      client_proves_later:
        'the wallet posts the vp_token (direct_post, or encrypted to the request’s key: direct_post.jwt) to the response URI; the browser follows the response_code redirect, or the page polls',
      server_verifies:
        'cheapest first: issuer trusted and its signature, vct allowed, not expired, status list entry, every disclosure hashes to a signed digest, the key-binding JWT signed by cnf.jwk with aud = client_id, the nonce, a fresh iat and sd_hash; then the state redeemed once, atomically; a response_code only by the browser that started the request',
      cryptography:
        'the issuer’s signature (ES256, ... from its JWK Set or X.509 chain), the holder’s key-binding signature, SHA-256 disclosure digests; ECDH-ES + AES-GCM for direct_post.jwt',
      endpoints: [
        'POST /oid4vp/requests',
        'GET /oid4vp/requests/{id}',
        'GET/POST /oid4vp/requests/{id}/request',
        'POST /oid4vp/response',
        'GET /oid4vp/complete',
      ],
    },
    threats: {
      stops: [
        'a replayed presentation: the key-binding JWT carries this request’s nonce, and the state is redeemed once; a second post is refused and the first sign-in stands',
        'a presentation made for another verifier: its key-binding aud is that verifier’s client_id',
        'a stolen credential without its holder key: the key-binding JWT must be signed by cnf.jwk',
        'a tampered or added disclosure: each must hash to a digest the issuer signed (refused, not dropped)',
        'a revoked or expired credential, or one from an issuer not in the trust list',
        'a session fixation through the same-device redirect: the response_code is redeemed only by the browser that started the request, and spent when another presents it',
        'a relayed “Link your identity wallet” QR code: the answer links nothing; its redirect shows the credential in a browser signed in to the account that asked, to link by a form with its CSRF token, and another browser spends it',
      ],
      does_not_stop: [
        'a person lending their wallet and its unlock to someone else',
        'a relayed cross-device request (a QR code shown on a phishing page): so a sign-in by polling never achieves phr, never gets the account scope and changes none of the account page’s sign-in methods',
        'a compromised issuer or a key in the trust list that should not be there',
      ],
    },
    chartColour: '#7c3aed',
    storageKey: 'SHA-256 of the request id, of the state and of the response_code',
    lifetimeSeconds: ({ oid4vp }) => oid4vp.requestTtlSeconds,
    usedBy: [
      {
        clients: 'OpenID Connect relying parties ("OpenID Connect in front, OpenID4VP behind")',
        through: [
          '"Sign in with your identity wallet" on the login page (a link on this device, a QR code for a phone)',
          'scope identity adds given_name, family_name and birthdate; scope age adds age_over_18 alone; only what the wallet disclosed',
          'the id_token says amr pop, auth_method oid4vp',
        ],
        standards: ['OpenID for Verifiable Presentations 1.0', 'OpenID Connect Core 1.0'],
      },
      {
        clients: 'scripts of a registered client',
        through: [
          'POST /oid4vp/requests { client_id } answers a handle; GET /oid4vp/requests/{id} with it answers the token response once',
        ],
        standards: ['OpenID for Verifiable Presentations 1.0'],
      },
    ],
  },
} satisfies ProofDescriptor<'oid4vp'>;
