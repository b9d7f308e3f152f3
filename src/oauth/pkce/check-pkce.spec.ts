import { InvalidGrant, InvalidRequest } from '../../platform/errors/protocol-error';
import {
  NO_CODE_CHALLENGE,
  checkCodeVerifier,
  checkPkce,
  codeChallengeBinding,
  missingVerifier,
  pkceProof,
  s256,
  type PkceVerdict,
} from './check-pkce';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const STRICT = { type: 'confidential' as const };
const OPTIONAL = { type: 'confidential' as const, requirePkce: false as const };
/** A public client whose record says otherwise: PKCE is still required of it. */
const PUBLIC_OPTED_OUT = { type: 'public' as const, requirePkce: false as const };

function refusal(verdict: PkceVerdict): string | undefined {
  return verdict.ok ? undefined : verdict.refusal.description;
}

describe('PKCE checks', () => {
  it('computes S256 as in RFC 7636 appendix B', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(CHALLENGE);
  });

  it('accepts an S256 challenge of 43 base64url characters, from every client', () => {
    for (const client of [STRICT, OPTIONAL, PUBLIC_OPTED_OUT]) {
      expect(
        checkPkce(client, { code_challenge: CHALLENGE, code_challenge_method: 'S256' }, 'profile'),
      ).toEqual({ ok: true, codeChallenge: CHALLENGE });
    }
  });

  it.each([
    [undefined, 'S256', 'code_challenge is required (PKCE)'],
    [CHALLENGE, 'plain', 'code_challenge_method "plain" is not supported; use S256'],
    [CHALLENGE, undefined, 'code_challenge_method must be S256'],
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
  ])(
    'rejects challenge %s with method %s, even of a client PKCE is optional for',
    (challenge, method, message) => {
      for (const client of [STRICT, OPTIONAL]) {
        const verdict = checkPkce(
          client,
          { code_challenge: challenge, code_challenge_method: method },
          'openid',
        );
        expect(refusal(verdict)).toBe(message);
        expect(() => codeChallengeBinding(verdict)).toThrow(new InvalidRequest(message));
      }
    },
  );

  describe('a request without PKCE (RFC 9700 §2.1.1)', () => {
    it('is refused for a client that requires PKCE, and always for a public or fapi2 client', () => {
      const FAPI2_OPTED_OUT = { ...OPTIONAL, profile: 'fapi2' as const };
      for (const client of [
        STRICT,
        PUBLIC_OPTED_OUT,
        { type: 'public' as const },
        FAPI2_OPTED_OUT,
      ]) {
        expect(refusal(checkPkce(client, {}, 'openid profile'))).toBe(
          'code_challenge is required (PKCE)',
        );
      }
    });

    it('is an OpenID Connect request only, for a client registered with require_pkce false', () => {
      expect(refusal(checkPkce(OPTIONAL, {}, 'profile api'))).toBe(
        'code_challenge is required (PKCE) unless the request is OpenID Connect (scope openid)',
      );
      const verdict = checkPkce(OPTIONAL, {}, 'openid profile');
      expect(verdict).toEqual({ ok: true, codeChallenge: undefined });
      expect(codeChallengeBinding(verdict)).toEqual({ code_challenge: NO_CODE_CHALLENGE });
    });
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

  describe('what a token request proves (compared inside the atomic consume)', () => {
    it('a verifier proves its S256 challenge', () => {
      expect(pkceProof('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toEqual({
        code_challenge: CHALLENGE,
      });
    });

    it('no verifier proves only "no challenge", which no verifier ever hashes to', () => {
      expect(pkceProof(undefined)).toEqual({ code_challenge: NO_CODE_CHALLENGE });
      // Every S256 value is 43 base64url characters: the binding of a code issued without PKCE
      // can never equal one (RFC 9700 §4.8.2, the PKCE downgrade).
      expect(NO_CODE_CHALLENGE).not.toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('a missing verifier of a code issued with a challenge is invalid_grant (RFC 7636 §4.6)', () => {
      const error = missingVerifier();
      expect(error).toBeInstanceOf(InvalidGrant);
      expect(error.reason).toBe('missing_verifier');
    });
  });
});
