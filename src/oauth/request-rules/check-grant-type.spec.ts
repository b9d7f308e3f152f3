import type { OAuthClient } from '../../clients/oauth-client';
import { UnauthorizedClient } from '../../platform/errors/protocol-error';
import { checkGrantType as checkWithRules, withRegisteredGrants } from './check-grant-type';
import { GRANT_TYPE_RULES } from '../token/token-grants';

/** checkGrantType by the rules of the grants the server has. */
const checkGrantType = (client: OAuthClient, grantType: string) =>
  checkWithRules(client, grantType, GRANT_TYPE_RULES);

const client = (grantTypes?: string[]): OAuthClient => ({
  clientId: 'c',
  type: 'public',
  name: 'C',
  redirectUris: ['http://127.0.0.1/cb'],
  ...(grantTypes ? { grantTypes } : {}),
});

const response = {
  access_token: 'at',
  token_type: 'Bearer' as const,
  expires_in: 900,
  refresh_token: 'rt',
  scope: 'profile',
};

describe('checkGrantType', () => {
  it('lets a configured client (no registered grant_types) use both grants', () => {
    expect(() => checkGrantType(client(), 'authorization_code')).not.toThrow();
    expect(() => checkGrantType(client(), 'refresh_token')).not.toThrow();
  });

  it('gives such a client no other grant: client credentials, device code and the rest are opt-in', () => {
    for (const grantType of [
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]) {
      expect(() => checkGrantType(client(), grantType)).toThrow(UnauthorizedClient);
    }
  });

  it('refuses a public client a confidential-only grant even when its record lists it', () => {
    for (const grantType of [
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]) {
      expect(() => checkGrantType(client([grantType]), grantType)).toThrow(
        expect.objectContaining({
          error: 'unauthorized_client',
          description: `The ${grantType} grant is for confidential clients only: the client must authenticate`,
        }),
      );
      expect(() =>
        checkGrantType({ ...client([grantType]), type: 'confidential' }, grantType),
      ).not.toThrow();
    }
  });

  it('refuses a grant the client did not register with unauthorized_client (RFC 6749 §5.2)', () => {
    const codeOnly = client(['authorization_code']);
    expect(() => checkGrantType(codeOnly, 'authorization_code')).not.toThrow();
    const refusal = (() => {
      try {
        checkGrantType(codeOnly, 'refresh_token');
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(UnauthorizedClient);
    expect(refusal).toMatchObject({
      status: 400,
      error: 'unauthorized_client',
      description: 'The client is not registered for the refresh_token grant type',
      reason: 'grant_type_not_registered',
    });
  });
});

describe('withRegisteredGrants', () => {
  it('withholds the refresh token from a client not registered for refresh_token', () => {
    expect(withRegisteredGrants(client(['authorization_code']), response)).toEqual({
      access_token: 'at',
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'profile',
    });
  });

  it('keeps it for a client registered for it, and for a configured client', () => {
    expect(withRegisteredGrants(client(['authorization_code', 'refresh_token']), response)).toEqual(
      response,
    );
    expect(withRegisteredGrants(client(), response)).toEqual(response);
  });
});
