import { unmetAcr } from './check-token-acr';

const STEP_UP = {
  acrRequiredByScope: { payments: 'phr' as const },
  acrRequiredByResource: { 'https://pay.example.com/': 'phr' as const },
};

describe('unmetAcr (RFC 9470 §3)', () => {
  it('is met by a token of the acr its scope or audience requires', () => {
    expect(unmetAcr({ aud: 'api', scope: 'payments', acr: 'phr' }, STEP_UP)).toBeUndefined();
    expect(
      unmetAcr({ aud: 'https://pay.example.com/', scope: 'api', acr: 'phr' }, STEP_UP),
    ).toBeUndefined();
  });

  it('names the acr a weaker token lacks', () => {
    expect(unmetAcr({ aud: 'api', scope: 'payments' }, STEP_UP)).toBe('phr');
    expect(unmetAcr({ aud: 'https://pay.example.com/', scope: 'api' }, STEP_UP)).toBe('phr');
  });

  it('never counts the acr of a device grant’s token (RFC 8628 §5.4: its user code can be phished)', () => {
    const device = { grantType: 'urn:ietf:params:oauth:grant-type:device_code', acr: 'phr' };
    expect(unmetAcr({ aud: 'api', scope: 'payments', ...device }, STEP_UP)).toBe('phr');
    expect(unmetAcr({ aud: 'https://pay.example.com/', scope: 'api', ...device }, STEP_UP)).toBe(
      'phr',
    );
    // Where nothing is required, a device grant's token serves as any other.
    expect(unmetAcr({ aud: 'api', scope: 'api', ...device }, STEP_UP)).toBeUndefined();
  });
});
