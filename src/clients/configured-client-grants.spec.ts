import type { ClientConfig } from '../config/sections/oauth.config';
import type { GrantTypeRules } from '../protocol-rules/grant-types';
import { configuredClientGrantProblems } from './configured-client-grants';

const RULES: GrantTypeRules = {
  authorization_code: {
    usesAuthorizationEndpoint: true,
    confidentialOnly: false,
    issuesRefreshTokens: true,
  },
  client_credentials: {
    usesAuthorizationEndpoint: false,
    confidentialOnly: true,
    issuesRefreshTokens: false,
  },
};

const demo: ClientConfig = {
  clientId: 'demo-agent',
  name: 'Demo agent',
  redirectUris: [],
  grantTypes: ['client_credentials'],
  jwks: { keys: [] },
};

describe('configuredClientGrantProblems (OAUTH_CLIENTS by the grants the service has)', () => {
  const browser: ClientConfig = {
    clientId: 'web',
    name: 'Web',
    redirectUris: ['https://w.example/cb'],
  };
  const machine: ClientConfig = {
    clientId: 'm',
    name: 'M',
    clientSecret: 'a-secret-1',
    redirectUris: [],
    grantTypes: ['client_credentials'],
  };

  it('accepts clients without grant_types (the browser grants) and clients whose grants agree', () => {
    expect(
      configuredClientGrantProblems(
        { clients: [demo, browser, machine], demoClientIds: ['demo-agent'] },
        RULES,
      ),
    ).toEqual([]);
  });

  it('holds the response_types an entry writes (RFC 7591 metadata) to what its grant types need', () => {
    // The browser grants (an entry without grant_types) are authorization_code and refresh_token.
    const rules: GrantTypeRules = {
      ...RULES,
      refresh_token: {
        usesAuthorizationEndpoint: false,
        confidentialOnly: false,
        issuesRefreshTokens: false,
      },
    };
    const problems = (clients: ClientConfig[]) =>
      configuredClientGrantProblems({ clients, demoClientIds: [] }, rules);
    expect(
      problems([
        { ...machine, responseTypes: [] },
        { ...browser, responseTypes: ['code'] },
      ]),
    ).toEqual([]);
    expect(
      problems([
        { ...machine, responseTypes: ['code'] },
        { ...browser, responseTypes: [] },
      ]),
    ).toEqual([
      'OAUTH_CLIENTS[0].response_types must be empty: none of the grant types uses the authorization endpoint',
      'OAUTH_CLIENTS[1].response_types must include code',
    ]);
  });

  it('names each client that breaks them as OAUTH_CLIENTS does, its index counted without the demo clients', () => {
    const publicMachine: ClientConfig = {
      ...browser,
      clientId: 'p',
      redirectUris: [],
      grantTypes: ['client_credentials'],
    };
    const unknown: ClientConfig = { ...browser, clientId: 'u', grantTypes: ['password'] };
    expect(
      configuredClientGrantProblems(
        { clients: [demo, browser, publicMachine, unknown], demoClientIds: ['demo-agent'] },
        RULES,
      ),
    ).toEqual([
      'OAUTH_CLIENTS[1].grant_types client_credentials is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it',
      'OAUTH_CLIENTS[2].grant_types may contain only authorization_code, client_credentials',
    ]);
  });

  it('names a demo client by its id (a seed that breaks them is a bug, caught at start)', () => {
    const noRedirect: ClientConfig = { ...demo, grantTypes: ['authorization_code'] };
    expect(
      configuredClientGrantProblems(
        { clients: [noRedirect], demoClientIds: ['demo-agent'] },
        RULES,
      ),
    ).toEqual(['Demo client demo-agent: redirect_uris must name at least one redirect URI']);
  });
});
