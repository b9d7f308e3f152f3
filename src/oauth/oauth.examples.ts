/**
 * Example values for the OpenAPI description, valid for the demo client of a development
 * database, so that Swagger UI's "Try it out" sends requests the service accepts as well formed.
 */
export const EXAMPLE = {
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  redirectUri: 'http://localhost:25001/callback',
  state: 'af0ifjsldkj',
  scope: 'profile',
  /** OpenID Connect Core §3.1.2.1's example nonce. */
  nonce: 'n-0S6_WzA2Mj',
  /** RFC 7636 Appendix B: the verifier and its S256 challenge. */
  codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  /** The code of RFC 6749 §4.1.2's example. */
  code: 'SplxlOBeZQQYbYS6WxSbIA',
  /** Shaped like ours: grant id, a dot, 32 random bytes (all base64url). */
  refreshToken: 'tGzv3JOkF0XG5Qx2TlKWIA.kVbhZpXmoqyOtKYPCNUpjyUl90HsfDrCE-xDMV2xMkw',
  /** A JWT access token's shape (RFC 9068): header, claims and signature, base64url. */
  accessToken:
    'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ1c2VyMCIsInNjb3BlIjoib3BlbmlkIn0.c2lnbmF0dXJl',
  /** The default ACCESS_TOKEN_AUDIENCE of a development instance: Proofgate's own /api. */
  resource: 'http://localhost:25000/api',
} as const;
