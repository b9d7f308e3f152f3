import { checkIssuer } from './check-issuer';

describe('checkIssuer (RFC 9207)', () => {
  const issuer = 'https://idp.example';

  it("takes the provider's own iss, compared exactly", () => {
    expect(checkIssuer(issuer, issuer, true)).toBe('ok');
    expect(checkIssuer(issuer, issuer, undefined)).toBe('ok');
    expect(checkIssuer(`${issuer}/`, issuer, true)).toBe('mix_up');
    expect(checkIssuer('https://IDP.example', issuer, true)).toBe('mix_up');
  });

  it("refuses another provider's iss as a mix-up, whatever the metadata says", () => {
    expect(checkIssuer('https://attacker.example', issuer, false)).toBe('mix_up');
    expect(checkIssuer('https://attacker.example', issuer, undefined)).toBe('mix_up');
    expect(checkIssuer('', issuer, false)).toBe('mix_up');
  });

  it('refuses a missing iss only where the provider advertises it', () => {
    expect(checkIssuer(null, issuer, true)).toBe('missing');
    expect(checkIssuer(null, issuer, false)).toBe('ok');
    expect(checkIssuer(null, issuer, undefined)).toBe('ok');
  });
});
