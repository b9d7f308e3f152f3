/**
 * Example values for the OpenAPI description: the shapes a browser's `PublicKeyCredential`
 * `toJSON()` gives, with made-up bytes. "Try it out" on /passkeys/authentication/verify passes
 * validation and is refused at the credential, which no account has (401 unknown_credential).
 */
const credentialId = 'q2xlYXJseS1ub3QtYS1yZWFsLWNyZWRlbnRpYWw';
const clientDataJSON = Buffer.from(
  JSON.stringify({
    type: 'webauthn.get',
    challenge: 'tEVyjH6j0RBUbmkeP7S9rkDbS5o0m7LFt4Qz9G9W4Xk',
    origin: 'http://localhost:25000',
    crossOrigin: false,
  }),
).toString('base64url');

export const PASSKEY_EXAMPLE = {
  credentialId,
  challenge: 'tEVyjH6j0RBUbmkeP7S9rkDbS5o0m7LFt4Qz9G9W4Xk',
  userHandle: 'fZfNGo6ONW6aS1g4H3E5wq5YrL1sbWlcUw2L3V0S7aI',
  createdAt: '2026-01-01T00:00:00.000Z',
  attestationResponse: {
    clientDataJSON,
    attestationObject: 'o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVjF',
    transports: ['internal'],
  },
  assertionResponse: {
    clientDataJSON,
    authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ',
    signature:
      'MEUCIQDk3M6zpSTU5uxZVe8p4ml6E7lC8m4n2fKq4TvaE1rjRwIgS1kWQjPQH3bBU5EJmU0bK4qW8zWQ3VvK8J2nI1b7a5c',
    userHandle: 'fZfNGo6ONW6aS1g4H3E5wq5YrL1sbWlcUw2L3V0S7aI',
  },
};
