import { AppConfig } from './app-config';
import { quotedUrl } from './env-parsers';

describe('quotedUrl: a URL as a start refusal quotes it', () => {
  it.each([
    ['https://user:pw@collector.example/?api-key=k#f', 'https://…@collector.example/?…'],
    ['ftp://user:pw@host/x', 'ftp://…@host/x'],
    ['user:pw@host/x?token=t', '…@host/x?…'],
    ['//user@host', '//…@host'],
    ['https://idp.example/path#section', 'https://idp.example/path#…'],
    ['https://idp.example/a@b', 'https://idp.example/a@b'],
    ['not a url', 'not a url'],
  ])('%s as %s', (value, quoted) => {
    expect(quotedUrl(value)).toBe(quoted);
  });

  it('keeps what it hides out of every line the start prints for a URL setting', () => {
    const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate' };
    for (const env of [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:SECRETPW@c.example/?api-key=SECRETKEY' },
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://user:SECRETPW@c.example/' },
      { ISSUER: 'https://user:SECRETPW@auth.example/?SECRETKEY' },
      { WEBAUTHN_ORIGINS: 'https://user:SECRETPW@app.example' },
      {
        JWT_BEARER_ISSUERS: JSON.stringify([
          { issuer: 'https://x.example', jwks_uri: 'https://u:SECRETPW@x.example/j?k=SECRETKEY' },
        ]),
      },
    ]) {
      let message = '';
      try {
        AppConfig.fromEnv({ ...base, ...env });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(Object.keys(env)[0]);
      expect(message).not.toMatch(/SECRET/);
    }
  });
});
