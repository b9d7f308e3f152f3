import { InvalidClientMetadata, InvalidRedirectUri } from '../../platform/errors/protocol-error';
import { parseClientMetadata } from './client-metadata';

describe('parseClientMetadata (RFC 7591 §2)', () => {
  it('applies the RFC 7591 defaults and leaves the auth method unset when absent', () => {
    expect(parseClientMetadata({ redirect_uris: ['https://app.example/cb'] })).toEqual({
      redirectUris: ['https://app.example/cb'],
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
    });
  });

  it('ignores metadata it does not understand, whatever its type', () => {
    const metadata = parseClientMetadata({
      redirect_uris: ['com.example.app:/oauth2redirect'],
      client_name: '  Padded  ',
      token_endpoint_auth_method: 'none',
      contacts: ['a@example.com'],
      jwks: { keys: [] },
      software_version: 2,
    });
    expect(metadata).toEqual({
      redirectUris: ['com.example.app:/oauth2redirect'],
      clientName: 'Padded',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
    });
  });

  it('accepts a name with characters outside the BMP (a surrogate pair is no lone surrogate)', () => {
    expect(
      parseClientMetadata({ redirect_uris: ['https://app.example/cb'], client_name: 'Rocket 🚀' })
        .clientName,
    ).toBe('Rocket 🚀');
  });

  it('drops repeated values', () => {
    const metadata = parseClientMetadata({
      redirect_uris: ['https://app.example/cb', 'https://app.example/cb'],
      grant_types: ['authorization_code', 'refresh_token', 'refresh_token'],
    });
    expect(metadata.redirectUris).toEqual(['https://app.example/cb']);
    expect(metadata.grantTypes).toEqual(['authorization_code', 'refresh_token']);
  });

  it.each([
    [
      { redirect_uris: 'https://app.example/cb' },
      InvalidClientMetadata,
      'redirect_uris must be an array of strings',
    ],
    [{ redirect_uris: [42] }, InvalidClientMetadata, 'redirect_uris must be an array of strings'],
    [
      { redirect_uris: [] },
      InvalidRedirectUri,
      'redirect_uris must name at least one redirect URI',
    ],
    [
      { redirect_uris: ['https://app.example'] },
      InvalidRedirectUri,
      'redirect_uris[0] must be written in normalised form, as URL parsing gives it back (lower-case scheme and host, "/" for an empty path, no default port, no dot segments)',
    ],
    [
      { redirect_uris: ['javascript:alert(1)'] },
      InvalidRedirectUri,
      'redirect_uris[0] must use https, http on a loopback host, or a reverse-domain private-use scheme such as com.example.app:/callback',
    ],
    [
      { redirect_uris: ['https://app.example/cb'], client_name: 'Proofgate (first-party)' },
      InvalidClientMetadata,
      'client_name must not claim to be Proofgate, first-party or official (names are self-asserted)',
    ],
    [
      { redirect_uris: ['https://app.example/cb'], client_name: 'Bad \ud800 name' },
      InvalidClientMetadata,
      'client_name is not well-formed Unicode (a lone surrogate): metadata must be valid UTF-8',
    ],
    [
      { redirect_uris: ['https://app.example/\udc00'] },
      InvalidClientMetadata,
      'redirect_uris is not well-formed Unicode (a lone surrogate): metadata must be valid UTF-8',
    ],
    [
      { redirect_uris: ['https://app.example/cb'], contacts: [{ note: '\ud83d' }] },
      InvalidClientMetadata,
      'contacts is not well-formed Unicode (a lone surrogate): metadata must be valid UTF-8',
    ],
    [
      { redirect_uris: ['https://app.example/cb'], grant_types: ['refresh_token'] },
      InvalidClientMetadata,
      'grant_types must include authorization_code',
    ],
    [
      { redirect_uris: ['https://app.example/cb'], response_types: [] },
      InvalidClientMetadata,
      'response_types must include code',
    ],
    [
      { redirect_uris: ['https://app.example/cb'], client_name: 7 },
      InvalidClientMetadata,
      'client_name must be a string',
    ],
    [
      { redirect_uris: ['https://app.example/cb'], client_name: '   ' },
      InvalidClientMetadata,
      'client_name must have 1 to 100 characters',
    ],
    [null, InvalidClientMetadata, 'Client metadata must be a JSON object'],
  ])('refuses %j', (body, type, description) => {
    let thrown: unknown;
    try {
      parseClientMetadata(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as InvalidClientMetadata).description).toBe(description);
  });
});
