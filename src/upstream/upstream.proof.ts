import { ANY_SIGN_IN, type ProofDescriptor, type ProofSettings } from '../proofs/proof-descriptor';
import { AMR } from '../proofs/proof-vocabulary';

/** The providers this deployment offers, by name (UPSTREAM_PROVIDERS). */
function offered({ upstream }: ProofSettings): string {
  if (upstream.providers.length === 0) return 'no provider configured (UPSTREAM_PROVIDERS)';
  return `offered here: ${upstream.providers.map((provider) => `${provider.name} (${provider.kind})`).join(', ')}`;
}

/**
 * A sign-in at an upstream identity provider (OpenID Connect, or OAuth 2.0 such as GitHub), with
 * Proofgate as the relying party: `state`, `nonce` and a PKCE verifier kept as one challenge,
 * bound to the browser's login page and redeemed once at the callback.
 */
export const UPSTREAM_PROOF = {
  id: 'upstream',
  label: 'Upstream identity providers (OpenID Connect, OAuth 2.0)',
  shortLabel: 'Upstream',
  amr: AMR.upstream,
  acr: ANY_SIGN_IN,
  challengeKinds: ['upstream_state'],
  comparison: {
    protocol: {
      name: 'Authorization code + PKCE at another provider, Proofgate as its relying party',
      standard: [
        'OpenID Connect Core 1.0',
        'OpenID Connect Discovery 1.0',
        'RFC 6749',
        'RFC 7636',
        'RFC 9207',
        'RFC 8176',
      ],
      client_generates:
        'nothing: Proofgate makes the state, the nonce and the PKCE verifier, 256 bits each',
      sent_up_front:
        'GET /login/upstream/{id} from the login page: a 302 to the provider with state, nonce (OpenID Connect), the S256 code_challenge and the redirect URI /login/upstream/{id}/callback',
      server_stores:
        'the SHA-256 of the state, bound to the provider and to the SHA-256 of the browser’s pre-login session cookie, with the nonce, the PKCE verifier and return_to',
      bound_to: ['provider', 'browser'],
      client_proves_later:
        'the browser comes back from the provider to the callback with the code, the state and (RFC 9207) the provider’s iss',
      server_verifies:
        'the state redeemed once, atomically, by the browser and for the provider it was issued to; iss is the provider’s (and present where it advertises it); the code exchanged with the PKCE verifier and Proofgate’s client authentication; the ID token’s signature, iss, aud, exp and nonce; email kept only when the provider says email_verified',
      cryptography:
        'none of Proofgate’s own beyond TLS and random values: the provider’s ID token signature (RS256, ES256, ... from its JWKS) is checked',
      endpoints: ['GET /login/upstream/{id}', 'GET /login/upstream/{id}/callback'],
    },
    threats: {
      stops: [
        'a stolen callback URL: the state was redeemed by its first arrival and is bound to the browser that started the sign-in; replayed, or opened in another browser, it signs nobody in, and the code is useless without the PKCE verifier and Proofgate’s client credentials',
        'login CSRF (RFC 6749 §10.12): a state the browser did not start here is unknown to it, so an attacker’s code cannot sign the victim into the attacker’s account',
        'mix-up (RFC 9207): a response carrying another provider’s iss is refused, as is one without iss from a provider that advertises it',
        'ID token substitution or replay: its signature, audience, expiry and the nonce of this very sign-in are checked',
        'account takeover through an email address: an account is found by upstream:<provider>:<sub> only, never by email, and an email is kept only when the provider verified it',
        'a provider’s claim standing in for a phishing-resistant sign-in here: amr says fed, the provider’s own amr and acr are not repeated, and the sign-in never achieves acr phr',
      ],
      does_not_stop: [
        'a compromised or malicious provider: whoever controls the provider account signs in',
        'phishing of the provider’s own credentials (a look-alike of its login page)',
        'theft of the tokens after they are issued (bearer tokens: keep them short-lived, or bind them with DPoP)',
      ],
    },
    chartColour: '#0e7490',
    storageKey: 'SHA-256 of the state',
    lifetimeSeconds: ({ upstream }) => upstream.stateTtlSeconds,
    usedBy: [
      {
        clients: 'every client of the login page',
        through: [
          '"Sign in with <provider>" on the login page of an authorization code + PKCE flow',
          offered,
          'the account is upstream:<provider>:<sub>; a provider account is linked to an existing account from the account page, after a recent sign-in of that account',
          'the id_token says amr fed and acr urn:proofgate:acr:1fa',
        ],
        standards: ['OpenID Connect Core 1.0', 'RFC 9207', 'RFC 8176'],
      },
    ],
  },
} satisfies ProofDescriptor<'upstream'>;
