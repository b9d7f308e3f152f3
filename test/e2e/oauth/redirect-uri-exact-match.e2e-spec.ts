import request from 'supertest';
import { ConfigError } from '../../../src/config/env-parsers';
import {
  Agent,
  AuthorizeParams,
  DEMO_CLIENT,
  DEMO_SPA,
  UNREGISTERED_REDIRECT,
  authorizePath,
  login,
  pkcePair,
} from '../../support/oauth';
import { TestApp, createTestApp } from '../../support/test-app';

/**
 * RFC 9700 §4.1.3: redirect URIs are compared as exact strings. The only exception is RFC 8252
 * §7.3: a public (native) client registered with a loopback IP literal may use any port.
 */
const CLIENTS = [
  // A confidential client on a loopback IP: no port freedom (it is not a native app).
  {
    client_id: 'loopback-confidential',
    client_secret: 'loopback-secret',
    redirect_uris: ['http://127.0.0.1:40000/cb'],
  },
  // A native app on IPv6 loopback.
  { client_id: 'native-v6', redirect_uris: ['http://[::1]/cb'] },
  // A native app with a private-use scheme (RFC 8252 §7.1).
  { client_id: 'native-app', redirect_uris: ['com.example.app:/oauth2redirect'] },
  // A redirect URI with a query, as the conformance suite's second client registers one.
  {
    client_id: 'query-rp',
    client_secret: 'query-rp-secret',
    redirect_uris: ['https://rp.example/callback?dummy1=lorem&dummy2=ipsum'],
  },
];

/** The refusal: a seeded demo client's names the fix (what it takes, how to add another). */
const unregistered = (clientId: string): string =>
  (UNREGISTERED_REDIRECT as Record<string, string>)[clientId] ??
  'redirect_uri is not registered for this client';
const html = (text: string) => text.replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('redirect URI matching at /authorize (RFC 9700 §4.1.3, RFC 8252 §7.3)', () => {
  let t: TestApp;
  let agent: Agent;
  const { challenge } = pkcePair();
  const params = (client_id: string, redirect_uri: string): AuthorizeParams => ({
    client_id,
    redirect_uri,
    response_type: 'code',
    state: 'st4te',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });

  beforeAll(async () => {
    // First-party: a registered redirect URI is answered with a code at once, no consent step.
    t = await createTestApp({
      OAUTH_CLIENTS: JSON.stringify(CLIENTS.map((client) => ({ ...client, first_party: true }))),
    });
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });
  afterAll(() => t.close());

  it.each([
    ['an upper-case host', DEMO_CLIENT.id, 'http://LOCALHOST:25001/callback'],
    ['another port on localhost', DEMO_CLIENT.id, 'http://localhost:9999/callback'],
    ['[::1] for demo-client’s 127.0.0.1', DEMO_CLIENT.id, 'http://[::1]:26219/callback'],
    ['https for demo-client’s 127.0.0.1', DEMO_CLIENT.id, 'https://127.0.0.1:26219/callback'],
    ['another path for demo-client on 127.0.0.1', DEMO_CLIENT.id, 'http://127.0.0.1:26219/cb'],
    ['a public host for demo-client', DEMO_CLIENT.id, 'http://proofgate.example:26219/callback'],
    ['an empty fragment', DEMO_CLIENT.id, 'http://localhost:25001/callback#'],
    ['a dot segment', DEMO_CLIENT.id, 'http://localhost:25001/x/../callback'],
    ['an empty userinfo', DEMO_CLIENT.id, 'http://:@localhost:25001/callback'],
    ['a trailing slash', DEMO_CLIENT.id, 'http://localhost:25001/callback/'],
    ['an explicit default port', DEMO_CLIENT.id, 'http://localhost:80/callback'],
    ['a percent-encoded path', DEMO_CLIENT.id, 'http://localhost:25001/%63allback'],
    ['127.1 for 127.0.0.1', DEMO_SPA.id, 'http://127.1:25002/callback'],
    ['0x7f000001 for 127.0.0.1', DEMO_SPA.id, 'http://0x7f000001:25002/callback'],
    ['2130706433 for 127.0.0.1', DEMO_SPA.id, 'http://2130706433:25002/callback'],
    ['an empty userinfo on loopback', DEMO_SPA.id, 'http://:@127.0.0.1:25002/callback'],
    ['an empty fragment on loopback', DEMO_SPA.id, 'http://127.0.0.1:25002/callback#'],
    ['another port and a dot segment', DEMO_SPA.id, 'http://127.0.0.1:9999/x/../callback'],
    ['another port and a query', DEMO_SPA.id, 'http://127.0.0.1:9999/callback?x=1'],
    ['https on loopback', DEMO_SPA.id, 'https://127.0.0.1:25002/callback'],
    ['[::1] for 127.0.0.1', DEMO_SPA.id, 'http://[::1]:25002/callback'],
    ['a port out of range', DEMO_SPA.id, 'http://127.0.0.1:99999/callback'],
    ['a port with a leading zero', DEMO_SPA.id, 'http://127.0.0.1:025002/callback'],
    [
      'another port for a confidential client',
      'loopback-confidential',
      'http://127.0.0.1:40001/cb',
    ],
    ['a case change in a private-use scheme', 'native-app', 'COM.example.app:/oauth2redirect'],
  ])('refuses %s with the 400 page, never a redirect', async (_what, clientId, redirectUri) => {
    const page = await agent
      .get(authorizePath(params(clientId, redirectUri)))
      .set('Accept', 'text/html');
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
    expect(page.text).toContain('<dd id="error">invalid_request</dd>');
    expect(page.text).toContain(`<dd id="error_description">${html(unregistered(clientId))}</dd>`);

    const json = await agent
      .get(authorizePath(params(clientId, redirectUri)))
      .set('Accept', 'application/json');
    expect(json.status).toBe(400);
    expect(json.headers.location).toBeUndefined();
    expect(json.body).toEqual({
      error: 'invalid_request',
      error_description: unregistered(clientId),
    });
  });

  it.each([
    ['the registered URI', DEMO_CLIENT.id, DEMO_CLIENT.redirectUri],
    ['a native app on 127.0.0.1 with any port', DEMO_SPA.id, 'http://127.0.0.1:53123/callback'],
    ['a native app on 127.0.0.1 without a port', DEMO_SPA.id, 'http://127.0.0.1/callback'],
    ['a native app on [::1] with a port', 'native-v6', 'http://[::1]:61000/cb'],
    // The seeded demo-client runs on the developer's machine: registered as a native app, its
    // 127.0.0.1 redirect takes whatever port the newcomer runs `npm run demo:client -- --port` on.
    ['demo-client on 127.0.0.1 with any port', DEMO_CLIENT.id, 'http://127.0.0.1:26219/callback'],
    [
      'a confidential loopback client, exactly',
      'loopback-confidential',
      'http://127.0.0.1:40000/cb',
    ],
    ['a private-use scheme, exactly', 'native-app', 'com.example.app:/oauth2redirect'],
  ])('redirects with a code for %s', async (_what, clientId, redirectUri) => {
    const res = await agent.get(authorizePath(params(clientId, redirectUri))).expect(302);
    expect(res.headers.location.startsWith(`${redirectUri}?`)).toBe(true);
    expect(new URL(res.headers.location).searchParams.get('code')).toBeTruthy();
  });

  it('oidcc-redirect-uri-query-ok, oidcc-redirect-uri-query-mismatch, oidcc-redirect-uri-query-added: a redirect URI registered with a query is matched with its query, which the code keeps; another value or one more parameter is the 400 page', async () => {
    const registered = 'https://rp.example/callback?dummy1=lorem&dummy2=ipsum';
    const ok = await agent.get(authorizePath(params('query-rp', registered))).expect(302);
    const back = new URL(ok.headers.location);
    expect(`${back.origin}${back.pathname}`).toBe('https://rp.example/callback');
    expect(back.searchParams.get('dummy1')).toBe('lorem');
    expect(back.searchParams.get('dummy2')).toBe('ipsum');
    expect(back.searchParams.get('code')).toEqual(expect.any(String));
    for (const other of [
      'https://rp.example/callback?dummy1=lorem&dummy2=ipsum2',
      'https://rp.example/callback?dummy1=lorem&dummy2=ipsum&dummy3=dolor',
      'https://rp.example/callback',
    ]) {
      const refused = await agent
        .get(authorizePath(params('query-rp', other)))
        .set('Accept', 'application/json')
        .expect(400);
      expect(refused.body).toEqual({
        error: 'invalid_request',
        error_description: 'redirect_uri is not registered for this client',
      });
    }
  });
});

describe('redirect URIs in client configuration (OAUTH_CLIENTS)', () => {
  const configure = (redirectUri: string) =>
    createTestApp({
      OAUTH_CLIENTS: JSON.stringify([{ client_id: 'bad', redirect_uris: [redirectUri] }]),
    });

  it.each([
    ['http on a public host', 'http://app.example/cb'],
    ['a fragment', 'https://app.example/cb#x'],
    ['an empty fragment', 'https://app.example/cb#'],
    ['a javascript: scheme', 'javascript:alert(1)'],
    ['a data: scheme', 'data:text/html,hi'],
    ['a scheme that is not reverse-domain', 'myapp:/cb'],
    ['userinfo', 'https://user@app.example/cb'],
  ])('refuses %s at boot, naming the variable', async (_what, redirectUri) => {
    await expect(configure(redirectUri)).rejects.toThrow(ConfigError);
    await expect(configure(redirectUri)).rejects.toThrow(/^OAUTH_CLIENTS\[0\]\.redirect_uris/);
  });
});
