import {
  configuredGrantTypesProblem,
  grantTypesProblem as problemBy,
  type GrantTypeRules,
  type GrantTypeSubject,
} from './grant-types';

/** A table as the grant list hands one down (each grant declares its row in its own file). */
const RULES: GrantTypeRules = {
  authorization_code: {
    usesAuthorizationEndpoint: true,
    confidentialOnly: false,
    issuesRefreshTokens: true,
  },
  refresh_token: {
    usesAuthorizationEndpoint: false,
    confidentialOnly: false,
    issuesRefreshTokens: false,
  },
  client_credentials: {
    usesAuthorizationEndpoint: false,
    confidentialOnly: true,
    issuesRefreshTokens: false,
  },
  'urn:ietf:params:oauth:grant-type:device_code': {
    usesAuthorizationEndpoint: false,
    confidentialOnly: false,
    issuesRefreshTokens: true,
  },
  'urn:ietf:params:oauth:grant-type:token-exchange': {
    usesAuthorizationEndpoint: false,
    confidentialOnly: true,
    issuesRefreshTokens: false,
  },
  'urn:ietf:params:oauth:grant-type:jwt-bearer': {
    usesAuthorizationEndpoint: false,
    confidentialOnly: true,
    issuesRefreshTokens: false,
  },
};

const grantTypesProblem = (subject: GrantTypeSubject) => problemBy(subject, RULES);

const subject = (over: Partial<GrantTypeSubject>): GrantTypeSubject => ({
  grantTypes: ['authorization_code'],
  confidential: false,
  redirectUris: ['https://app.example/cb'],
  responseTypes: ['code'],
  ...over,
});

describe('grantTypesProblem (RFC 7591 §2.1, one row per grant)', () => {
  it('knows only the grants of the table it is given', () => {
    expect(problemBy(subject({}), {})).toEqual({
      field: 'grant_types',
      problem: 'may contain only ',
    });
    expect(
      problemBy(subject({}), { authorization_code: RULES.authorization_code }),
    ).toBeUndefined();
  });

  it('accepts a browser client and a machine client', () => {
    expect(
      grantTypesProblem(subject({ grantTypes: ['authorization_code', 'refresh_token'] })),
    ).toBeUndefined();
    expect(
      grantTypesProblem(
        subject({
          grantTypes: ['client_credentials'],
          confidential: true,
          redirectUris: [],
          responseTypes: [],
        }),
      ),
    ).toBeUndefined();
  });

  it.each([
    [{ grantTypes: [] }, 'grant_types', 'must name at least one grant type'],
    [
      { grantTypes: ['password'] },
      'grant_types',
      'may contain only authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange, urn:ietf:params:oauth:grant-type:jwt-bearer',
    ],
    [
      { grantTypes: ['refresh_token'], redirectUris: [], responseTypes: [] },
      'grant_types',
      'with refresh_token must include a grant that issues refresh tokens (authorization_code, urn:ietf:params:oauth:grant-type:device_code)',
    ],
    [
      { grantTypes: ['client_credentials'], redirectUris: [], responseTypes: [] },
      'grant_types',
      'client_credentials is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it',
    ],
    [{ redirectUris: [] }, 'redirect_uris', 'must name at least one redirect URI'],
    [{ responseTypes: [] }, 'response_types', 'must include code'],
    [
      { grantTypes: ['client_credentials'], confidential: true, responseTypes: [] },
      'redirect_uris',
      'must be empty: none of the grant types uses the authorization endpoint',
    ],
  ])('refuses %j', (over, field, problem) => {
    expect(grantTypesProblem(subject(over))).toEqual({ field, problem });
  });
});

describe('configuredGrantTypesProblem (a client the operator registers names no response types)', () => {
  it('gives it those its grants need, and takes each grant type once', () => {
    const browser = { confidential: false, redirectUris: ['https://app.example/cb'] };
    expect(
      configuredGrantTypesProblem(
        { ...browser, grantTypes: ['authorization_code', 'refresh_token', 'refresh_token'] },
        RULES,
      ),
    ).toBeUndefined();
    expect(
      configuredGrantTypesProblem(
        { grantTypes: ['client_credentials'], confidential: true, redirectUris: [] },
        RULES,
      ),
    ).toBeUndefined();
    expect(
      configuredGrantTypesProblem({ ...browser, grantTypes: ['client_credentials'] }, RULES),
    ).toEqual({
      field: 'grant_types',
      problem:
        'client_credentials is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it',
    });
  });
});
