import { AppConfig } from '../app-config';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate', NODE_ENV: 'test' };

describe('step-up settings (ACR_REQUIRED_BY_SCOPE, ACR_REQUIRED_BY_RESOURCE, ACCOUNT_CHANGES_REQUIRE_PHR)', () => {
  it('default: nothing required; account changes need phr in production only', () => {
    const config = AppConfig.fromEnv(base).stepUp;
    expect(config.acrRequiredByScope).toEqual({});
    expect(config.acrRequiredByResource).toEqual({});
    expect(config.accountChangesRequireAcr).toBeUndefined();
    const production = AppConfig.fromEnv({
      ...base,
      NODE_ENV: 'production',
      ISSUER: 'https://auth.example',
      KEY_ENCRYPTION_SECRET: 'x'.repeat(32),
    }).stepUp;
    expect(production.accountChangesRequireAcr).toBe('phr');
  });

  it('ACCOUNT_CHANGES_REQUIRE_PHR: true is phr, and phrh is a level of its own', () => {
    const level = (value: string) =>
      AppConfig.fromEnv({ ...base, ACCOUNT_CHANGES_REQUIRE_PHR: value }).stepUp
        .accountChangesRequireAcr;
    expect(level('true')).toBe('phr');
    expect(level('phr')).toBe('phr');
    expect(level('phrh')).toBe('phrh');
    expect(level('false')).toBeUndefined();
    expect(() => level('hardware')).toThrow(/ACCOUNT_CHANGES_REQUIRE_PHR/);
  });

  it('reads the JSON maps, phrh as well as phr', () => {
    const config = AppConfig.fromEnv({
      ...base,
      ACR_REQUIRED_BY_SCOPE: '{"account":"phr"}',
      ACR_REQUIRED_BY_RESOURCE: '{"https://api.example/mcp":"phrh"}',
    }).stepUp;
    expect({ ...config.acrRequiredByScope }).toEqual({ account: 'phr' });
    expect({ ...config.acrRequiredByResource }).toEqual({ 'https://api.example/mcp': 'phrh' });
    // No prototype: a key the operator did not write is not found.
    expect(config.acrRequiredByScope['constructor']).toBeUndefined();
  });

  it.each([
    ['ACR_REQUIRED_BY_SCOPE', '["account"]', /ACR_REQUIRED_BY_SCOPE must be a JSON object/],
    [
      'ACR_REQUIRED_BY_SCOPE',
      '{"account":"phr3"}',
      /the value for "account" must be one of phr, phrh/,
    ],
    ['ACR_REQUIRED_BY_SCOPE', '{"account"', /ACR_REQUIRED_BY_SCOPE must be a JSON object/],
    ['ACR_REQUIRED_BY_SCOPE', '{"a b":"phr"}', /the key "a b" is not a scope value/],
    ['ACR_REQUIRED_BY_RESOURCE', '{"not a uri":"phr"}', /ACR_REQUIRED_BY_RESOURCE: the key/],
  ])('refuses %s=%s at start', (name, value, message) => {
    expect(() => AppConfig.fromEnv({ ...base, [name]: value })).toThrow(message);
  });
});
