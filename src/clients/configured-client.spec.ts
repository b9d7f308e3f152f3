import { configuredClientFields, sameConfiguredClient } from './configured-client';
import type { OAuthClient } from './oauth-client';

const ENTRY = {
  clientId: 'rp',
  name: 'Relying party',
  redirectUris: ['https://rp.example/cb'],
  resources: ['https://api.example'],
  grantTypes: ['authorization_code', 'refresh_token'],
  jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
  postLogoutRedirectUris: ['https://rp.example/out'],
  idTokenSignedResponseAlg: 'RS256',
} as const;

describe('configuredClientFields', () => {
  it('leaves defaults absent: false flags, empty lists, no keys', () => {
    expect(
      configuredClientFields({
        clientId: 'spa',
        name: 'SPA',
        redirectUris: ['https://spa.example/cb'],
        resources: [],
        firstParty: false,
        requirePkce: true,
        requireSignedRequestObject: false,
        backchannelLogoutSessionRequired: false,
        postLogoutRedirectUris: [],
      }),
    ).toEqual({ name: 'SPA', redirectUris: ['https://spa.example/cb'] });
  });

  it('copies what it takes, so that the stored client shares nothing with the configuration', () => {
    const fields = configuredClientFields(ENTRY);

    expect(fields).toEqual({
      name: 'Relying party',
      redirectUris: ['https://rp.example/cb'],
      resources: ['https://api.example'],
      grantTypes: ['authorization_code', 'refresh_token'],
      jwks: ENTRY.jwks,
      postLogoutRedirectUris: ['https://rp.example/out'],
      idTokenSignedResponseAlg: 'RS256',
    });
    expect(fields.redirectUris).not.toBe(ENTRY.redirectUris);
    expect(fields.jwks!.keys[0]).not.toBe(ENTRY.jwks.keys[0]);
  });
});

describe('sameConfiguredClient', () => {
  const client: OAuthClient = {
    clientId: 'rp',
    type: 'confidential',
    secrets: [{ id: 'secret-1', hash: 'hash' }],
    ...configuredClientFields(ENTRY),
  };

  it('is the same client when every configured field is, whatever the order of keys', () => {
    expect(sameConfiguredClient(JSON.parse(JSON.stringify(client)) as OAuthClient, client)).toBe(
      true,
    );
    const { name, ...rest } = client;
    expect(sameConfiguredClient({ ...rest, name }, client)).toBe(true);
  });

  it.each<[string, Partial<OAuthClient>]>([
    ['the type', { type: 'public' }],
    ['the secret', { secrets: [{ id: 'secret-1', hash: 'another hash' }] }],
    ['a redirect URI', { redirectUris: ['https://rp.example/other'] }],
    ['a key', { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x2', y: 'y' }] } }],
    ['the ID token alg', { idTokenSignedResponseAlg: 'ES256' }],
    ['a flag', { firstParty: true }],
    ['a logout URI', { backchannelLogoutUri: 'https://rp.example/bcl' }],
  ])('is another client when %s differs', (_what, change) => {
    expect(sameConfiguredClient({ ...client, ...change }, client)).toBe(false);
  });

  it('ignores what the configuration does not say (when it was last used)', () => {
    expect(sameConfiguredClient({ ...client, lastUsedAt: new Date() }, client)).toBe(true);
  });
});
