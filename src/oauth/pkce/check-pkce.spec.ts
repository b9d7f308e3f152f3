import { InvalidRequest } from '../../platform/errors/protocol-error';
import { checkCodeChallenge, checkCodeVerifier, s256 } from './check-pkce';

describe('PKCE checks', () => {
  it('computes S256 as in RFC 7636 appendix B', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('accepts an S256 challenge of 43 base64url characters', () => {
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    expect(checkCodeChallenge(challenge, 'S256')).toBe(challenge);
  });

  it.each([
    [undefined, 'S256', 'code_challenge is required (PKCE)'],
    [
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      'plain',
      'code_challenge_method "plain" is not supported; use S256',
    ],
    [
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      undefined,
      'code_challenge_method must be S256',
    ],
    [
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c',
      'S256',
      'code_challenge must be 43 base64url characters (S256)',
    ],
    [
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM',
      'S256',
      'code_challenge must be 43 base64url characters (S256)',
    ],
  ])('rejects challenge %s with method %s', (challenge, method, message) => {
    expect(() => checkCodeChallenge(challenge, method)).toThrow(new InvalidRequest(message));
  });

  it.each([
    ['a'.repeat(43), true],
    ['a'.repeat(128), true],
    ['A-z0._~'.repeat(7), true],
    ['a'.repeat(42), false],
    ['a'.repeat(129), false],
    [`${'a'.repeat(42)}!`, false],
    [`${'a'.repeat(42)} `, false],
  ])('verifier %s valid: %s', (verifier, valid) => {
    if (valid) expect(checkCodeVerifier(verifier)).toBe(verifier);
    else expect(() => checkCodeVerifier(verifier)).toThrow(InvalidRequest);
  });

  it('requires a verifier', () => {
    expect(() => checkCodeVerifier(undefined)).toThrow('Code verifier is required');
  });
});
