import {
  clientProfileProblem,
  codeLifetimeSeconds,
  profileSigningAlgs,
  requiresDpop,
  requiresPushedRequests,
} from './client-profile';

describe('client profiles: fapi2 (FAPI 2.0 Security Profile)', () => {
  const keyHolder = { hasSecret: false, hasKeys: true };

  it('requires PAR and DPoP of a fapi2 client, and of no other unless its flags say so', () => {
    expect(requiresPushedRequests({ profile: 'fapi2' })).toBe(true);
    expect(requiresDpop({ profile: 'fapi2' })).toBe(true);
    expect(requiresPushedRequests({})).toBe(false);
    expect(requiresDpop({})).toBe(false);
    expect(requiresPushedRequests({ requirePushedAuthorizationRequests: true })).toBe(true);
    expect(requiresDpop({ dpopBoundAccessTokens: true })).toBe(true);
  });

  it('caps a fapi2 client’s codes at 60 s (§5.3.2.1-11), leaving a shorter setting alone', () => {
    expect(codeLifetimeSeconds({ profile: 'fapi2' }, 600)).toBe(60);
    expect(codeLifetimeSeconds({ profile: 'fapi2' }, 30)).toBe(30);
    expect(codeLifetimeSeconds({}, 600)).toBe(600);
  });

  it('narrows signing algorithms to PS256, ES256 and EdDSA for a fapi2 client (§5.4.1-1)', () => {
    expect(profileSigningAlgs({ profile: 'fapi2' })).toEqual([
      'PS256',
      'ES256',
      'EdDSA',
      'Ed25519',
    ]);
    expect(profileSigningAlgs({ profile: 'fapi2' })).not.toContain('RS256');
    expect(profileSigningAlgs({})).toBeUndefined();
  });

  it('admits a private_key_jwt client, and refuses a public one or one with a secret (§5.3.2.1-3, -6)', () => {
    expect(clientProfileProblem('fapi2', keyHolder)).toBeUndefined();
    expect(clientProfileProblem('fapi2', { hasSecret: false, hasKeys: false })).toBe(
      '"fapi2" is for confidential clients authenticating with private_key_jwt (jwks or jwks_uri), not a public client (FAPI 2.0 §5.3.2.1-3, -6)',
    );
    expect(clientProfileProblem('fapi2', { hasSecret: true, hasKeys: false })).toBe(
      '"fapi2" is for confidential clients authenticating with private_key_jwt (jwks or jwks_uri), not a client_secret (FAPI 2.0 §5.3.2.1-3, -6)',
    );
  });

  it('refuses an unknown profile, a key for RS256, and the implied flags turned off', () => {
    expect(clientProfileProblem('fapi1', keyHolder)).toBe('must be one of "fapi2"');
    expect(
      clientProfileProblem('fapi2', {
        ...keyHolder,
        keys: [
          { kty: 'RSA', alg: 'PS256' },
          { kty: 'RSA', alg: 'RS256' },
        ],
      }),
    ).toBe(
      '"fapi2" allows keys for PS256, ES256, EdDSA, Ed25519 only, and jwks keys[1] is for RS256 (FAPI 2.0 §5.4.1)',
    );
    expect(clientProfileProblem('fapi2', { ...keyHolder, keys: [{ kty: 'RSA' }] })).toBeUndefined();
    expect(clientProfileProblem('fapi2', { ...keyHolder, dpopBoundAccessTokens: false })).toMatch(
      /requires DPoP-bound access tokens and pushed authorization requests/,
    );
    expect(
      clientProfileProblem('fapi2', { ...keyHolder, requirePushedAuthorizationRequests: false }),
    ).toMatch(/requires DPoP-bound access tokens and pushed authorization requests/);
  });

  it('refuses a request_object_signing_alg the fapi2 profile forbids (§5.4.1-1), which would refuse every request object', () => {
    expect(clientProfileProblem('fapi2', { ...keyHolder, requestObjectSigningAlg: 'RS256' })).toBe(
      '"fapi2" allows request_object_signing_alg PS256, ES256, EdDSA, Ed25519 only, not RS256 (FAPI 2.0 §5.4.1)',
    );
    expect(
      clientProfileProblem('fapi2', { ...keyHolder, requestObjectSigningAlg: 'PS256' }),
    ).toBeUndefined();
  });

  it('refuses require_pkce false for a fapi2 client (§5.3.2.2-5)', () => {
    expect(clientProfileProblem('fapi2', { ...keyHolder, requirePkce: false })).toBe(
      '"fapi2" requires PKCE (FAPI 2.0 §5.3.2.2-5): leave require_pkce out, or true',
    );
    expect(clientProfileProblem('fapi2', { ...keyHolder, requirePkce: true })).toBeUndefined();
  });
});
