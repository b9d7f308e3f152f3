import { InvalidScope, InvalidTarget } from '../../platform/errors/protocol-error';
import { checkAcrMinimum } from './check-acr-minimum';

const STRONG = 'https://strong.example/';
const MINIMUMS = {
  acrRequiredByResource: { [STRONG]: 'phr' as const },
  acrRequiredByScope: { account: 'phr' as const },
};

function refusal(token: { aud: string; scope: string; acr?: string }): unknown {
  try {
    checkAcrMinimum(token, MINIMUMS);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('checkAcrMinimum (RFC 9470 minimums at the token endpoint)', () => {
  it('lets a token through that meets every minimum, or has none to meet', () => {
    expect(refusal({ aud: 'https://plain.example/', scope: 'api profile' })).toBeUndefined();
    expect(refusal({ aud: STRONG, scope: 'api account', acr: 'phr' })).toBeUndefined();
  });

  it("refuses a resource's minimum unmet with invalid_target, before any scope's", () => {
    for (const acr of [undefined, 'urn:other:loa:3']) {
      const error = refusal({ aud: STRONG, scope: 'api account', ...(acr ? { acr } : {}) });
      expect(error).toBeInstanceOf(InvalidTarget);
      expect(error).toMatchObject({
        description:
          'The resource requires acr phr (a phishing-resistant user sign-in), and the token would carry no acr that meets it',
        reason: 'acr_unmet',
      });
    }
  });

  it("refuses a scope's minimum unmet with invalid_scope, naming the scope", () => {
    const error = refusal({ aud: 'https://plain.example/', scope: 'api account' });
    expect(error).toBeInstanceOf(InvalidScope);
    expect(error).toMatchObject({
      description:
        'The scope account requires acr phr (a phishing-resistant user sign-in), and the token would carry no acr that meets it',
      reason: 'acr_unmet',
    });
  });

  it('reads only what the operator set: no inherited key is a minimum', () => {
    expect(refusal({ aud: 'constructor', scope: 'toString' })).toBeUndefined();
  });
});
