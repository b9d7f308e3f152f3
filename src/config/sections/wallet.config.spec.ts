import { AppConfig } from '../app-config';
import { ConfigError } from '../env-parsers';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate', ISSUER: 'https://id.example' };

describe('WALLET_DOMAIN and WALLET_URI, the chain-neutral names of SIWE_DOMAIN and SIWE_URI', () => {
  it('default to the issuer, under either name', () => {
    expect(AppConfig.fromEnv(base).wallet).toMatchObject({
      domain: 'id.example',
      uri: 'https://id.example',
    });
  });

  it.each([
    [
      'the new names',
      { WALLET_DOMAIN: 'app.example:8443', WALLET_URI: 'https://app.example:8443' },
    ],
    ['the older names', { SIWE_DOMAIN: 'app.example:8443', SIWE_URI: 'https://app.example:8443' }],
    [
      'both, agreeing',
      {
        WALLET_DOMAIN: 'app.example:8443',
        SIWE_DOMAIN: 'app.example:8443',
        WALLET_URI: 'https://app.example:8443',
        SIWE_URI: 'https://app.example:8443',
      },
    ],
    ['one of each', { WALLET_URI: 'https://app.example:8443', SIWE_DOMAIN: 'app.example:8443' }],
  ])('are read under %s', (_, env) => {
    expect(AppConfig.fromEnv({ ...base, ...env }).wallet).toMatchObject({
      domain: 'app.example:8443',
      uri: 'https://app.example:8443',
    });
  });

  it('takes the domain from the URI set under either name', () => {
    expect(AppConfig.fromEnv({ ...base, WALLET_URI: 'https://app.example' }).wallet.domain).toBe(
      'app.example',
    );
  });

  it('refuses to start when both names are set to different values, saying which', () => {
    const start = () =>
      AppConfig.fromEnv({
        ...base,
        WALLET_DOMAIN: 'a.example',
        SIWE_DOMAIN: 'b.example',
        WALLET_URI: 'https://a.example',
        SIWE_URI: 'https://b.example',
      });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(
      'WALLET_URI and SIWE_URI are one setting (SIWE_URI is its older name) and disagree ("https://a.example" and "https://b.example"): set one of them',
    );
    expect(start).toThrow(
      'WALLET_DOMAIN and SIWE_DOMAIN are one setting (SIWE_DOMAIN is its older name) and disagree ("a.example" and "b.example"): set one of them',
    );
  });

  it('names the variable it read in a problem with its value', () => {
    expect(() => AppConfig.fromEnv({ ...base, SIWE_URI: 'ftp://x' })).toThrow(
      'SIWE_URI must be an http(s) URL',
    );
    expect(() => AppConfig.fromEnv({ ...base, WALLET_URI: 'ftp://x' })).toThrow(
      'WALLET_URI must be an http(s) URL',
    );
  });
});
