import { grantTypesProblem, type GrantTypeSubject } from './grant-types';

const subject = (over: Partial<GrantTypeSubject>): GrantTypeSubject => ({
  grantTypes: ['authorization_code'],
  confidential: false,
  redirectUris: ['https://app.example/cb'],
  responseTypes: ['code'],
  ...over,
});

describe('grantTypesProblem (RFC 7591 §2.1, one row per grant)', () => {
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
      'may contain only authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange, urn:ietf:params:oauth:grant-type:jwt-bearer, urn:openid:params:grant-type:ciba',
    ],
    [
      { grantTypes: ['refresh_token'], redirectUris: [], responseTypes: [] },
      'grant_types',
      'with refresh_token must include a grant that issues refresh tokens (authorization_code, urn:ietf:params:oauth:grant-type:device_code, urn:openid:params:grant-type:ciba)',
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
