import {
  acrForAccountChange,
  acrMinimumOf,
  acrOfAuthentication,
  acrRequestOf,
  acrRequestedBy,
  bestAcrOf,
  isMinimumAcr,
  meetsAcr,
  strongerAcr,
  unmetAcr,
} from './acr';
import { signInAcrOf } from '../proofs/proof-list';
import { PROOFS } from '../proof-registry';

const PROOF_LIST = Object.values(PROOFS);

describe('acr (OpenID EAP ACR values)', () => {
  it("a sign-in achieves what its proof declares (the registry's acr): phr by a passkey, phrh by a hardware-bound one, 1fa by every other", () => {
    expect(acrOfAuthentication(signInAcrOf(PROOF_LIST, 'passkey'))).toBe('phr');
    expect(acrOfAuthentication(signInAcrOf(PROOF_LIST, 'passkey'), { hardwareBound: true })).toBe(
      'phrh',
    );
    expect(bestAcrOf(signInAcrOf(PROOF_LIST, 'passkey'))).toBe('phrh');
    for (const method of ['password', 'siwe', 'siws', 'siwb', 'email', 'upstream', 'oid4vp']) {
      const declared = signInAcrOf(PROOF_LIST, method);
      expect(acrOfAuthentication(declared)).toBe('urn:proofgate:acr:1fa');
      // A key proven hardware-bound raises only a method that declares what it then achieves.
      expect(acrOfAuthentication(declared, { hardwareBound: true })).toBe('urn:proofgate:acr:1fa');
    }
    // A method no proof declares achieves nothing beyond a sign-in.
    expect(acrOfAuthentication(signInAcrOf(PROOF_LIST, 'unknown'))).toBe('urn:proofgate:acr:1fa');
  });

  it('orders phrh above phr above 1fa: a phrh sign-in meets a phr requirement, never the reverse', () => {
    expect(meetsAcr('phrh', 'phrh')).toBe(true);
    expect(meetsAcr('phrh', 'phr')).toBe(true);
    expect(meetsAcr('phrh', 'urn:proofgate:acr:1fa')).toBe(true);
    expect(meetsAcr('phr', 'phrh')).toBe(false);
    expect(meetsAcr('urn:proofgate:acr:1fa', 'phrh')).toBe(false);
    expect(meetsAcr(undefined, 'phrh')).toBe(false);
    expect(strongerAcr('phr', 'phrh')).toBe('phrh');
    expect(strongerAcr('phrh', 'phr')).toBe('phrh');
    expect(isMinimumAcr('phrh')).toBe(true);
    expect(isMinimumAcr('urn:proofgate:acr:1fa')).toBe(false);
  });

  it('1fa is met by any sign-in here (phr too), and meets no phr requirement', () => {
    expect(meetsAcr('urn:proofgate:acr:1fa', 'urn:proofgate:acr:1fa')).toBe(true);
    expect(meetsAcr('phr', 'urn:proofgate:acr:1fa')).toBe(true);
    expect(meetsAcr('urn:proofgate:acr:1fa', 'phr')).toBe(false);
    expect(meetsAcr(undefined, 'urn:proofgate:acr:1fa')).toBe(false);
  });

  it('acr_values and the acr claim (Core §3.1.2.1, §5.5.1.1): voluntary unless the claim is essential', () => {
    expect(acrRequestOf(undefined, undefined)).toEqual({});
    expect(acrRequestOf('phr', undefined)).toEqual({ voluntary: 'phr' });
    // Every value of acr_values_supported: the weakest satisfies the client.
    expect(acrRequestOf('urn:proofgate:acr:1fa phr', undefined)).toEqual({
      voluntary: 'urn:proofgate:acr:1fa',
    });
    expect(acrRequestOf(undefined, { essential: true, values: ['phr'] })).toEqual({
      essential: 'phr',
    });
    expect(acrRequestOf(undefined, { essential: false, values: ['phr'] })).toEqual({
      voluntary: 'phr',
    });
    // Essential without values: an acr, which every sign-in here has.
    expect(acrRequestOf(undefined, { essential: true })).toEqual({
      essential: 'urn:proofgate:acr:1fa',
    });
    expect(acrRequestOf('phr', { essential: true })).toEqual({
      essential: 'urn:proofgate:acr:1fa',
      voluntary: 'phr',
    });
    expect(acrRequestOf(undefined, { essential: true, values: ['phrh'] })).toEqual({
      essential: 'phrh',
    });
    expect(acrRequestOf(undefined, { essential: false, values: ['phrh'] })).toEqual({
      voluntary: 'phrh',
    });
    expect(acrRequestOf(undefined, { essential: true, values: ['urn:other:loa:3'] })).toBe(
      'unsatisfiable',
    );
  });

  it('meets: no requirement is always met; phr only by phr', () => {
    expect(meetsAcr(undefined, undefined)).toBe(true);
    expect(meetsAcr('phr', undefined)).toBe(true);
    expect(meetsAcr('phr', 'phr')).toBe(true);
    expect(meetsAcr(undefined, 'phr')).toBe(false);
    // A value we do not issue (another profile's) meets nothing of ours.
    expect(meetsAcr('urn:other:loa:3', 'phr')).toBe(false);
  });

  it('acr_values: the weakest supported value asked for; unsupported ones ignored', () => {
    expect(acrRequestedBy(undefined)).toBeUndefined();
    expect(acrRequestedBy('phr')).toBe('phr');
    expect(acrRequestedBy('phrh phr')).toBe('phr');
    expect(acrRequestedBy(['phr', 'urn:proofgate:acr:1fa'])).toBe('urn:proofgate:acr:1fa');
    expect(acrRequestedBy('phrh')).toBe('phrh');
    expect(acrRequestedBy('phrh urn:other:loa:3')).toBe('phrh');
    expect(acrRequestedBy('urn:other:loa:3')).toBeUndefined();
  });

  it('the stronger of two requirements', () => {
    expect(strongerAcr(undefined, undefined)).toBeUndefined();
    expect(strongerAcr('phr', undefined)).toBe('phr');
    expect(strongerAcr(undefined, 'phr')).toBe('phr');
  });

  it('an account with a passkey needs phr to change its methods; one without, nothing', () => {
    const password = { type: 'password' };
    const synced = { type: 'passkey', passkey: {} };
    const hardware = { type: 'passkey', passkey: { hardwareBound: true } };
    expect(acrForAccountChange([password, synced], 'phr')).toBe('phr');
    expect(acrForAccountChange([password, { type: 'wallet' }], 'phr')).toBeUndefined();
    // Level phrh: phrh once the account holds a hardware-bound passkey, phr with synced ones only.
    expect(acrForAccountChange([password, synced, hardware], 'phrh')).toBe('phrh');
    expect(acrForAccountChange([password, hardware], 'phr')).toBe('phr');
    expect(acrForAccountChange([password, synced], 'phrh')).toBe('phr');
    expect(acrForAccountChange([password], 'phrh')).toBeUndefined();
    // ACCOUNT_CHANGES_REQUIRE_PHR=false
    expect(acrForAccountChange([password, hardware], undefined)).toBeUndefined();
  });
});

describe("the operator's minimums (ACR_REQUIRED_BY_RESOURCE, ACR_REQUIRED_BY_SCOPE)", () => {
  const STRONG = 'https://strong.example/';
  const minimums = {
    acrRequiredByResource: { [STRONG]: 'phr' as const },
    acrRequiredByScope: { account: 'phr' as const },
  };

  it("is the strongest of the resource's and the scope values'", () => {
    expect(acrMinimumOf({ aud: 'https://plain.example/', scope: 'api' }, minimums)).toBeUndefined();
    expect(acrMinimumOf({ aud: STRONG, scope: 'api' }, minimums)).toBe('phr');
    expect(acrMinimumOf({ aud: 'https://plain.example/', scope: 'api account' }, minimums)).toBe(
      'phr',
    );
  });

  it('is unmet by a token without the acr, and says which minimum it misses', () => {
    expect(unmetAcr({ aud: STRONG, scope: 'api account' }, minimums)).toEqual({
      acr: 'phr',
      byResource: true,
      byScopes: ['account'],
    });
    expect(unmetAcr({ aud: 'https://plain.example/', scope: 'account api' }, minimums)).toEqual({
      acr: 'phr',
      byResource: false,
      byScopes: ['account'],
    });
    expect(unmetAcr({ aud: STRONG, scope: 'api', acr: 'urn:other:loa:3' }, minimums)).toEqual({
      acr: 'phr',
      byResource: true,
      byScopes: [],
    });
  });

  it('is met by a token whose acr meets it, or when nothing is required', () => {
    expect(unmetAcr({ aud: STRONG, scope: 'api account', acr: 'phr' }, minimums)).toBeUndefined();
    expect(unmetAcr({ aud: 'https://plain.example/', scope: 'api' }, minimums)).toBeUndefined();
  });

  it('never counts the acr of a device grant’s token (RFC 8628 §5.4: its user code can be phished)', () => {
    const device = { grantType: 'urn:ietf:params:oauth:grant-type:device_code', acr: 'phr' };
    expect(unmetAcr({ aud: STRONG, scope: 'api account', ...device }, minimums)).toEqual({
      acr: 'phr',
      byResource: true,
      byScopes: ['account'],
    });
    // Where nothing is required, a device grant's token serves as any other.
    expect(unmetAcr({ aud: 'https://plain.example/', scope: 'api', ...device }, minimums)).toBe(
      undefined,
    );
  });
});
