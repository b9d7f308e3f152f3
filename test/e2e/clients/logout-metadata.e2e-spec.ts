/**
 * Logout metadata (OpenID Connect RP-Initiated Logout 1.0 §3.1 `post_logout_redirect_uris`,
 * Back-Channel Logout 1.0 §2.2 `backchannel_logout_uri`, `backchannel_logout_session_required`)
 * registered every way a client can be: RFC 7591 registration (with oauth4webapi), a client ID
 * metadata document, the admin CLI; validated like redirect URIs, refused with the RFC 7591
 * §3.2.2 codes.
 */
import { JsonDocumentSite } from '../../support/loopback-server';
import * as oauth from 'oauth4webapi';
import { ClientRegistry } from '../../../src/clients/client-registry.service';
import { adminCli } from '../../support/admin-cli';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { register } from '../../support/registration';
import { TestApp, startListeningApp } from '../../support/test-app';

const CALLBACK = 'http://127.0.0.1:53690/callback';

describe('logout metadata of registered clients', () => {
  let t: TestApp;
  let issuer: string;
  const site = new JsonDocumentSite();
  let documentBase: string;

  beforeAll(async () => {
    documentBase = await site.listen();
    ({ t, issuer } = await startListeningApp({
      RATE_LIMIT_REGISTER_PER_IP: '1000',
      CLIENT_METADATA_ALLOW_PRIVATE: 'true',
    }));
  });
  afterAll(async () => {
    await t.close();
    await site.close();
  });

  it('RFC 7591: registers them with oauth4webapi, and the client has them', async () => {
    const as = await discover(issuer);
    const metadata = {
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none',
      post_logout_redirect_uris: ['http://127.0.0.1:53690/signed-out', 'https://app.example/bye'],
      backchannel_logout_uri: 'http://127.0.0.1:53690/backchannel?v=1',
      backchannel_logout_session_required: true,
    };
    const response = await oauth.dynamicClientRegistrationRequest(as, metadata, INSECURE);
    const registered = await oauth.processDynamicClientRegistrationResponse(response);
    expect(registered).toMatchObject({
      post_logout_redirect_uris: metadata.post_logout_redirect_uris,
      backchannel_logout_uri: metadata.backchannel_logout_uri,
      backchannel_logout_session_required: true,
    });
    const client = await t.app.get(ClientRegistry).find(registered.client_id);
    expect(client).toMatchObject({
      postLogoutRedirectUris: metadata.post_logout_redirect_uris,
      backchannelLogoutUri: metadata.backchannel_logout_uri,
      backchannelLogoutSessionRequired: true,
    });
  });

  it.each([
    [
      { post_logout_redirect_uris: ['http://app.example/bye'] },
      'invalid_redirect_uri',
      'post_logout_redirect_uris[0] may use http only on a loopback host (127.0.0.1, [::1] or localhost); use https',
    ],
    [
      { post_logout_redirect_uris: 'https://app.example/bye' },
      'invalid_client_metadata',
      'post_logout_redirect_uris must be an array of strings',
    ],
    [
      { post_logout_redirect_uris: ['https://app.example/bye#top'] },
      'invalid_redirect_uri',
      'post_logout_redirect_uris[0] must not contain a fragment',
    ],
    [
      { backchannel_logout_uri: 'https://app.example/logout#frag' },
      'invalid_client_metadata',
      'backchannel_logout_uri must not contain a fragment',
    ],
    [
      { backchannel_logout_uri: 'http://app.example/logout' },
      'invalid_client_metadata',
      'backchannel_logout_uri may use http only on a loopback host or a private IP address (127.0.0.1, [::1], localhost, 10.0.0.5, ...); use https',
    ],
    [
      { backchannel_logout_uri: 'ftp://app.example/logout' },
      'invalid_client_metadata',
      'backchannel_logout_uri must use https, or http on a loopback or private address',
    ],
    [
      { backchannel_logout_uri: ['https://app.example/logout'] },
      'invalid_client_metadata',
      'backchannel_logout_uri must be a string',
    ],
    [
      { backchannel_logout_session_required: 'yes' },
      'invalid_client_metadata',
      'backchannel_logout_session_required must be true or false',
    ],
  ])('refuses %j: %s', async (extra, error, description) => {
    const res = await register(t, {
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'none',
      ...extra,
    }).expect(400);
    expect(res.body).toEqual({ error, error_description: description });
  });

  it('reads them from a client ID metadata document', async () => {
    const clientId = `${documentBase}/client.json`;
    site.documents.set('/client.json', {
      client_id: clientId,
      redirect_uris: [CALLBACK],
      post_logout_redirect_uris: ['http://127.0.0.1:53690/signed-out'],
      backchannel_logout_uri: 'http://127.0.0.1:53690/backchannel',
    });
    expect(await t.app.get(ClientRegistry).find(clientId)).toMatchObject({
      metadataDocument: true,
      postLogoutRedirectUris: ['http://127.0.0.1:53690/signed-out'],
      backchannelLogoutUri: 'http://127.0.0.1:53690/backchannel',
    });
    const badId = `${documentBase}/bad.json`;
    site.documents.set('/bad.json', {
      client_id: badId,
      redirect_uris: [CALLBACK],
      backchannel_logout_uri: 'http://app.example/backchannel',
    });
    expect(await t.app.get(ClientRegistry).find(badId)).toBeNull();
  });

  it('takes them from `proofgate-admin clients add`', async () => {
    const run = await adminCli(t, [
      'clients',
      'add',
      'rp-admin-logout',
      '--public',
      '--redirect-uri',
      CALLBACK,
      '--post-logout-redirect-uri',
      'http://127.0.0.1:53690/signed-out',
      '--backchannel-logout-uri',
      'http://127.0.0.1:53690/backchannel',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      post_logout_redirect_uris: ['http://127.0.0.1:53690/signed-out'],
      backchannel_logout_uri: 'http://127.0.0.1:53690/backchannel',
    });
    const refused = await adminCli(t, [
      'clients',
      'add',
      'rp-admin-bad',
      '--public',
      '--redirect-uri',
      CALLBACK,
      '--backchannel-logout-uri',
      'http://app.example/backchannel',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('backchannel_logout_uri may use http only on a loopback host');
  });
});
