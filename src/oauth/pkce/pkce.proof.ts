import type { ProofDescriptor, ProofSettings } from '../../proofs/proof-descriptor';

/** RFC 7591 at POST /register, as this deployment runs it. */
function dynamicRegistration({ registration }: ProofSettings): string {
  const { open, initialAccessToken } = registration;
  const withToken = initialAccessToken !== undefined;
  const state = open
    ? withToken
      ? 'open to public clients; confidential clients with the initial access token'
      : 'open to public clients'
    : withToken
      ? 'only with the initial access token'
      : 'off';
  return `dynamic client registration (RFC 7591, POST /register): ${state}`;
}

function metadataDocuments({ clientMetadata }: ProofSettings): string {
  return `client ID metadata documents (an https client_id): ${clientMetadata.enabled ? 'on' : 'off'}`;
}

/** OAuth 2.1 authorization code with PKCE: the code is the challenge, the verifier the proof. */
export const PKCE_PROOF = {
  id: 'pkce',
  label: 'OAuth 2.1 + PKCE',
  shortLabel: 'PKCE',
  // A sign-in marker and a held request are the authorization request's own
  // (oauth/authorize/sign-in-marker.ts, held-authorization-request.ts).
  challengeKinds: ['authorization_code', 'sign_in_marker', 'authorization_request'],
  metrics: {
    // Failures of the PKCE proof itself (check-pkce.ts), as opposed to the code, client or
    // redirect URI: counted per client.
    refused: {
      counter: 'proofgate_pkce_failures_total',
      reasons: ['wrong_verifier', 'missing_verifier', 'malformed_verifier'],
    },
  },
  comparison: {
    protocol: {
      name: 'OAuth 2.1 authorization code with PKCE (S256)',
      standard: ['RFC 7636', 'RFC 6749 §4.1', 'OAuth 2.1', 'RFC 9207'],
      client_generates: 'code_verifier: 43-128 characters of high-entropy randomness, kept secret',
      sent_up_front:
        'code_challenge = BASE64URL(SHA-256(code_verifier)), code_challenge_method=S256',
      server_stores:
        'the SHA-256 of a 256-bit authorization code, with client, redirect URI, user, scope, resource (RFC 8707), code_challenge, login time and any OpenID Connect nonce',
      bound_to: ['client_id', 'redirect_uri', 'code_challenge'],
      client_proves_later: 'code_verifier, sent with the code to the token endpoint',
      server_verifies:
        'BASE64URL(SHA-256(code_verifier)) equals the stored code_challenge, inside the one atomic consume',
      cryptography: 'SHA-256 hash commitment (no keys, no signatures)',
      endpoints: ['GET /authorize', 'POST /token'],
    },
    threats: {
      stops: [
        'authorization code interception: a stolen code without the verifier is refused',
        'authorization code injection into another session or client',
        'replay: a code is consumed once; a second use revokes every token issued from it',
        'downgrade to the plain method: only S256 is accepted',
        'a session ended at Proofgate living on at the apps: its grants are revoked, and every relying party that got tokens in it is sent a logout token (RP-Initiated and Back-Channel Logout 1.0)',
      ],
      does_not_stop: [
        'it does not authenticate the user: that is the login step before the code is issued',
        'a compromised client that holds both the code and the verifier',
        'theft of the tokens after they are issued (use short lifetimes, rotation, sender-constraining)',
        'phishing of the user on a look-alike authorization server',
      ],
    },
    chartColour: '#3454d1',
    storageKey: 'SHA-256 of the authorization code',
    lifetimeSeconds: ({ challenges }) => challenges.authorizationCodeTtlSeconds,
    usedBy: [
      {
        clients: 'browser single-page apps',
        through: [
          'a public client: no secret, PKCE is the proof (token_endpoint_auth_method none)',
          { corsOn: ['/token', '/par', '/revoke', '/api/'] },
        ],
        standards: ['RFC 7636', 'RFC 9700 §2.6'],
      },
      {
        clients: 'native and CLI apps',
        through: [
          'a loopback redirect URI on any port (http://127.0.0.1 or [::1])',
          'a reverse-domain private-use scheme (com.example.app:/cb)',
        ],
        standards: ['RFC 8252'],
      },
      {
        clients: 'OpenID Connect relying parties',
        through: [
          'scope openid: an id_token with the code exchange',
          'GET /userinfo',
          'discovery at /.well-known/openid-configuration',
        ],
        standards: ['OpenID Connect Core 1.0', 'OpenID Connect Discovery 1.0'],
      },
      {
        clients: 'MCP clients',
        through: [
          'protected resource metadata (RFC 9728), named in the 401 of the resource',
          dynamicRegistration,
          metadataDocuments,
          'resource (RFC 8707) at /authorize and /token: the token audience',
        ],
        standards: [
          'RFC 9728',
          'RFC 7591',
          'draft-ietf-oauth-client-id-metadata-document',
          'RFC 8707',
        ],
      },
    ],
  },
} satisfies ProofDescriptor<'pkce'>;
