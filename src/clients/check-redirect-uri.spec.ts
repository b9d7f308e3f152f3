import { DEMO_CLIENTS } from '../config/sections/oauth.config';
import { isRegisteredRedirectUri } from './check-redirect-uri';
import { demoClientFix } from './demo-client-fixes';
import type { OAuthClient } from './oauth-client';

type RedirectClient = Pick<OAuthClient, 'type' | 'redirectUris' | 'applicationType'>;

const native = (...redirectUris: string[]): RedirectClient => ({ type: 'public', redirectUris });
const web = (...redirectUris: string[]): RedirectClient => ({
  type: 'confidential',
  redirectUris,
});

describe('isRegisteredRedirectUri (RFC 9700 §4.1.3, RFC 8252 §7.3)', () => {
  it.each([
    ['127.0.0.1 with a port', 'http://127.0.0.1:25002/cb', 'http://127.0.0.1:26219/cb'],
    ['127.0.0.1 without a port', 'http://127.0.0.1/cb', 'http://127.0.0.1:26219/cb'],
    ['[::1] with a port', 'http://[::1]:7000/cb', 'http://[::1]:26219/cb'],
    ['a request without a port', 'http://127.0.0.1:25002/cb', 'http://127.0.0.1/cb'],
  ])('lets a native app use a loopback IP registered %s on any port', (_, registered, asked) => {
    expect(isRegisteredRedirectUri(native(registered), asked)).toBe(true);
  });

  it.each([
    ['localhost (RFC 8252 §8.3)', 'http://localhost:25001/cb', 'http://localhost:26219/cb'],
    ['https on loopback', 'https://127.0.0.1:25002/cb', 'https://127.0.0.1:26219/cb'],
    ['a public host', 'http://app.example:8080/cb', 'http://app.example:8081/cb'],
    ['another loopback IP', 'http://127.0.0.1:25002/cb', 'http://[::1]:25002/cb'],
    ['another path', 'http://127.0.0.1:25002/cb', 'http://127.0.0.1:26219/other'],
    ['a query added', 'http://127.0.0.1:25002/cb', 'http://127.0.0.1:26219/cb?x=1'],
    ['userinfo hiding a host', 'http://127.0.0.1:25002/cb', 'http://127.0.0.1:1@evil.example/cb'],
    [
      'a host that starts like loopback',
      'http://127.0.0.1:25002/cb',
      'http://127.0.0.1.nip.io:1/cb',
    ],
    ['a private-use scheme', 'com.example.app:/cb', 'com.example.app:/cb2'],
  ])('keeps %s exact, even for a native app', (_, registered, asked) => {
    expect(isRegisteredRedirectUri(native(registered), asked)).toBe(false);
    expect(isRegisteredRedirectUri(native(registered), registered)).toBe(true);
  });

  it('keeps a web client exact on loopback, and lets one registered native use any port', () => {
    const uri = 'http://127.0.0.1:40000/cb';
    expect(isRegisteredRedirectUri(web(uri), 'http://127.0.0.1:40001/cb')).toBe(false);
    expect(
      isRegisteredRedirectUri(
        { ...web(uri), applicationType: 'native' },
        'http://127.0.0.1:40001/cb',
      ),
    ).toBe(true);
    expect(
      isRegisteredRedirectUri(
        { ...native(uri), applicationType: 'web' },
        'http://127.0.0.1:40001/cb',
      ),
    ).toBe(false);
  });

  it('lets the seeded demo-client take 127.0.0.1 on any port, localhost on 25001 only', () => {
    const demo = DEMO_CLIENTS.find((client) => client.clientId === 'demo-client')!;
    const client: RedirectClient = {
      type: 'confidential',
      redirectUris: [...demo.redirectUris],
      ...(demo.applicationType ? { applicationType: demo.applicationType } : {}),
    };
    expect(isRegisteredRedirectUri(client, 'http://127.0.0.1:26219/callback')).toBe(true);
    expect(isRegisteredRedirectUri(client, 'http://localhost:25001/callback')).toBe(true);
    expect(isRegisteredRedirectUri(client, 'http://localhost:26219/callback')).toBe(false);
  });
});

describe('demoClientFix', () => {
  const spa = { clientId: 'demo-spa', ...native('http://127.0.0.1:25002/callback') };
  const seeded = { demoClientIds: ['demo-spa'], loopbackAnyPort: true };

  it("names what a seeded demo client takes and how to register another, in a demo client's refusal only", () => {
    expect(demoClientFix(seeded, spa, 'redirect_uri')).toBe(
      '. demo-spa (demo data) takes redirect_uri http://127.0.0.1:<any port>/callback; for ' +
        'another, add a client of your own: npm run admin -- clients add <id> --redirect-uri <URI> ' +
        '(docs/ADMINISTRATION.md), or OAUTH_CLIENTS',
    );
    expect(demoClientFix(seeded, spa, 'resource')).toMatch(
      /^\. demo-spa \(demo data\) takes no resource besides the default; /,
    );
    expect(demoClientFix({ ...seeded, demoClientIds: [] }, spa, 'redirect_uri')).toBe('');
  });
});
