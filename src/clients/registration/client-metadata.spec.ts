import { InvalidClientMetadata, InvalidRedirectUri } from '../../platform/errors/protocol-error';
import { GRANT_TYPE_RULES } from '../../oauth/token/token-grants';
import { parseClientMetadata } from './client-metadata';

/** The rules of the grants the server has, as OAuthModule hands them to registration. */
const grantTypeRules = GRANT_TYPE_RULES;
/** RESOURCE_SERVERS as the tests declare it: one API's scope. */
const declaredScopes = new Set(['notes:read']);

describe('parseClientMetadata (RFC 7591 §2)', () => {
  it('applies the RFC 7591 and OpenID Connect Registration defaults, leaving the auth method unset', () => {
    expect(
      parseClientMetadata({ redirect_uris: ['https://app.example/cb'] }, 'none', {
        production: false,
        grantTypeRules,
        declaredScopes,
      }),
    ).toEqual({
      redirectUris: ['https://app.example/cb'],
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      applicationType: 'web',
      // Registration §2's default.
      idTokenSignedResponseAlg: 'RS256',
    });
  });

  it('takes id_token_signed_response_alg ES256 or RS256, and refuses every other', () => {
    const parse = (alg: unknown) =>
      parseClientMetadata(
        { redirect_uris: ['https://app.example/cb'], id_token_signed_response_alg: alg },
        'none',
        { production: false, grantTypeRules, declaredScopes },
      );
    expect(parse('ES256').idTokenSignedResponseAlg).toBe('ES256');
    expect(parse('RS256').idTokenSignedResponseAlg).toBe('RS256');
    for (const alg of ['none', 'HS256', 'PS256', 'es256', null, ['RS256']]) {
      expect(() => parse(alg)).toThrow(
        new InvalidClientMetadata('id_token_signed_response_alg must be one of ES256, RS256'),
      );
    }
  });

  it('ignores metadata it does not understand, whatever its type', () => {
    const metadata = parseClientMetadata(
      {
        redirect_uris: ['com.example.app:/oauth2redirect'],
        client_name: '  Padded  ',
        token_endpoint_auth_method: 'none',
        contacts: ['a@example.com'],
        jwks: { keys: [] },
        software_version: 2,
      },
      'none',
      { production: false, grantTypeRules, declaredScopes },
    );
    expect(metadata).toEqual({
      redirectUris: ['com.example.app:/oauth2redirect'],
      clientName: 'Padded',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      applicationType: 'native',
      idTokenSignedResponseAlg: 'RS256',
    });
  });

  it('accepts a name with characters outside the BMP (a surrogate pair is no lone surrogate)', () => {
    expect(
      parseClientMetadata(
        { redirect_uris: ['https://app.example/cb'], client_name: 'Rocket 🚀' },
        'none',
        { production: false, grantTypeRules, declaredScopes },
      ).clientName,
    ).toBe('Rocket 🚀');
  });

  it('accepts a machine client: grants without redirects, and no redirect URIs or response types', () => {
    const sdk = { grant_types: ['client_credentials'], redirect_uris: [], response_types: [] };
    expect(
      parseClientMetadata(sdk, 'client_secret_basic', {
        production: false,
        grantTypeRules,
        declaredScopes,
      }),
    ).toEqual({
      redirectUris: [],
      grantTypes: ['client_credentials'],
      responseTypes: [],
      applicationType: 'web',
      idTokenSignedResponseAlg: 'RS256',
    });
    // Absent response_types: none for a client none of whose grants redirects.
    expect(
      parseClientMetadata({ grant_types: ['client_credentials'] }, 'client_secret_basic', {
        production: false,
        grantTypeRules,
        declaredScopes,
      }).responseTypes,
    ).toEqual([]);
  });

  it('reads require_pkce: false of a confidential client, and refuses it of a public one', () => {
    const rp = { redirect_uris: ['https://rp.example/cb'], require_pkce: false };
    expect(
      parseClientMetadata(rp, 'client_secret_basic', {
        production: false,
        grantTypeRules,
        declaredScopes,
      }).requirePkce,
    ).toBe(false);
    expect(
      parseClientMetadata({ ...rp, require_pkce: true }, 'none', {
        production: false,
        grantTypeRules,
        declaredScopes,
      }),
    ).not.toHaveProperty('requirePkce');
    for (const [body, defaultMethod] of [
      [{ ...rp, token_endpoint_auth_method: 'none' }, 'client_secret_basic'],
      [rp, 'none'],
    ] as const) {
      expect(() =>
        parseClientMetadata(body, defaultMethod, {
          production: false,
          grantTypeRules,
          declaredScopes,
        }),
      ).toThrow(
        new InvalidClientMetadata(
          'require_pkce may be false only for a confidential client: a public client always uses PKCE',
        ),
      );
    }
    expect(() =>
      parseClientMetadata({ ...rp, require_pkce: 'false' }, 'client_secret_basic', {
        production: false,
        grantTypeRules,
        declaredScopes,
      }),
    ).toThrow(new InvalidClientMetadata('require_pkce must be true or false'));
  });

  it.each([
    [
      { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' },
      'client_secret_basic' as const,
      InvalidClientMetadata,
      'grant_types client_credentials is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it',
    ],
    [
      { grant_types: ['client_credentials'] },
      'none' as const,
      InvalidClientMetadata,
      'grant_types client_credentials is for confidential clients only: a public client (token_endpoint_auth_method "none") cannot use it',
    ],
    [
      { grant_types: ['client_credentials'], redirect_uris: ['https://app.example/cb'] },
      'client_secret_basic' as const,
      InvalidRedirectUri,
      'redirect_uris must be empty: none of the grant types uses the authorization endpoint',
    ],
    [
      { grant_types: ['client_credentials'], response_types: ['code'] },
      'client_secret_basic' as const,
      InvalidClientMetadata,
      'response_types must be empty: none of the grant types uses the authorization endpoint',
    ],
    [
      { grant_types: ['client_credentials', 'authorization_code'], redirect_uris: [] },
      'client_secret_basic' as const,
      InvalidRedirectUri,
      'redirect_uris must name at least one redirect URI',
    ],
    [
      { grant_types: [], redirect_uris: [] },
      'client_secret_basic' as const,
      InvalidClientMetadata,
      'grant_types must name at least one grant type',
    ],
  ])('refuses the inconsistent %j (auth method default %s)', (body, method, type, description) => {
    let thrown: unknown;
    try {
      parseClientMetadata(body, method, { production: false, grantTypeRules, declaredScopes });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as InvalidClientMetadata).description).toBe(description);
  });

  it('drops repeated values', () => {
    const metadata = parseClientMetadata(
      {
        redirect_uris: ['https://app.example/cb', 'https://app.example/cb'],
        grant_types: ['authorization_code', 'refresh_token', 'refresh_token'],
      },
      'none',
      { production: false, grantTypeRules, declaredScopes },
    );
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
      'grant_types with refresh_token must include a grant that issues refresh tokens (authorization_code, urn:ietf:params:oauth:grant-type:device_code, urn:openid:params:grant-type:ciba)',
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
      parseClientMetadata(body, 'none', { production: false, grantTypeRules, declaredScopes });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as InvalidClientMetadata).description).toBe(description);
  });

  describe('application_type (OpenID Connect Registration §2, RFC 8252 §7)', () => {
    const parse = (body: Record<string, unknown>, production: boolean) =>
      parseClientMetadata(body, 'none', { production, grantTypeRules, declaredScopes });
    const refusal = (body: Record<string, unknown>, production: boolean): string => {
      try {
        parse(body, production);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidRedirectUri);
        return (error as InvalidRedirectUri).description;
      }
      throw new Error('not refused');
    };

    it('lets a native app register loopback http and private-use schemes, in production too', () => {
      const uris = ['http://127.0.0.1/cb', 'http://[::1]:8080/cb', 'com.example.app:/cb'];
      for (const production of [false, true]) {
        expect(
          parse({ application_type: 'native', redirect_uris: uris }, production),
        ).toMatchObject({ applicationType: 'native', redirectUris: uris });
      }
    });

    it('lets a native app register a claimed https URL (RFC 8252 §7.2)', () => {
      const body = { application_type: 'native', redirect_uris: ['https://app.example/cb'] };
      expect(parse(body, true).applicationType).toBe('native');
    });

    it('refuses a web client a private-use scheme, naming application_type native', () => {
      const body = {
        application_type: 'web',
        redirect_uris: ['https://a.example/cb', 'com.example.app:/cb'],
      };
      expect(refusal(body, false)).toBe(
        'redirect_uris[1] uses a private-use scheme, which only a native app receives: register application_type "native" (RFC 8252 §7.1)',
      );
    });

    it('allows a web client loopback http outside production only', () => {
      const body = { application_type: 'web', redirect_uris: ['http://127.0.0.1:3000/cb'] };
      expect(parse(body, false).applicationType).toBe('web');
      expect(refusal(body, true)).toBe(
        'redirect_uris[0] is a loopback http URI, which only a native app receives: register application_type "native" (RFC 8252 §7.3)',
      );
    });

    it('infers native when a redirect URI is on the device, web otherwise (the default)', () => {
      expect(parse({ redirect_uris: ['http://127.0.0.1/cb'] }, true).applicationType).toBe(
        'native',
      );
      expect(parse({ redirect_uris: ['com.example.app:/cb'] }, true).applicationType).toBe(
        'native',
      );
      expect(parse({ redirect_uris: ['https://a.example/cb'] }, true).applicationType).toBe('web');
      expect(
        parseClientMetadata(
          { redirect_uris: [], grant_types: ['client_credentials'] },
          'client_secret_basic',
          {
            production: true,
            grantTypeRules,
            declaredScopes,
          },
        ).applicationType,
      ).toBe('web');
      // An editor's loopback beside its claimed https URL (RFC 8252 §7.2): native, in production too.
      expect(
        parse({ redirect_uris: ['https://a.example/cb', 'http://127.0.0.1:33418/'] }, true)
          .applicationType,
      ).toBe('native');
      expect(
        refusal(
          {
            application_type: 'web',
            redirect_uris: ['https://a.example/cb', 'http://localhost/cb'],
          },
          true,
        ),
      ).toBe(
        'redirect_uris[1] is a loopback http URI, which only a native app receives: register application_type "native" (RFC 8252 §7.3)',
      );
    });

    it.each([['desktop'], [7], [['native']]])('refuses application_type %p', (value) => {
      expect(() => parse({ application_type: value, redirect_uris: [] }, false)).toThrow(
        new InvalidClientMetadata('application_type must be one of web, native'),
      );
    });
  });

  it('gives a client of the CIBA grant the poll mode, named or not, and a client without it none', () => {
    const ciba = {
      grant_types: ['urn:openid:params:grant-type:ciba'],
      redirect_uris: [],
      response_types: [],
    };
    const parse = (body: object) =>
      parseClientMetadata(body, 'client_secret_basic', {
        production: true,
        grantTypeRules,
        declaredScopes,
      });
    expect(parse(ciba).backchannelTokenDeliveryMode).toBe('poll');
    expect(
      parse({ ...ciba, backchannel_token_delivery_mode: 'poll' }).backchannelTokenDeliveryMode,
    ).toBe('poll');
    expect(
      parse({ grant_types: ['client_credentials'] }).backchannelTokenDeliveryMode,
    ).toBeUndefined();
    expect(() => parse({ ...ciba, backchannel_token_delivery_mode: 'push' })).toThrow(
      'backchannel_token_delivery_mode must be poll or ping: the push mode (tokens POSTed to the client) is not supported',
    );
  });

  it('gives a ping client its notification endpoint: https in production, http on loopback outside it', () => {
    const ping = {
      grant_types: ['urn:openid:params:grant-type:ciba'],
      redirect_uris: [],
      response_types: [],
      backchannel_token_delivery_mode: 'ping',
    };
    const parse = (body: object, production = true) =>
      parseClientMetadata(body, 'client_secret_basic', {
        production,
        grantTypeRules,
        declaredScopes,
      });
    expect(
      parse({ ...ping, backchannel_client_notification_endpoint: 'https://agent.example/ping' }),
    ).toMatchObject({
      backchannelTokenDeliveryMode: 'ping',
      backchannelClientNotificationEndpoint: 'https://agent.example/ping',
    });
    expect(() => parse(ping)).toThrow(
      'backchannel_client_notification_endpoint is required with backchannel_token_delivery_mode "ping" (CIBA Core 1.0 §4)',
    );
    const loopback = { ...ping, backchannel_client_notification_endpoint: 'http://127.0.0.1:9/p' };
    expect(() => parse(loopback)).toThrow(
      'backchannel_client_notification_endpoint must use https',
    );
    expect(() =>
      parse({ ...ping, backchannel_client_notification_endpoint: 'https://10.0.0.5/ping' }),
    ).toThrow('backchannel_client_notification_endpoint must be on a public address (not private)');
    expect(parse(loopback, false).backchannelClientNotificationEndpoint).toBe(
      'http://127.0.0.1:9/p',
    );
    expect(() =>
      parse({
        grant_types: ['client_credentials'],
        backchannel_token_delivery_mode: 'ping',
        backchannel_client_notification_endpoint: 'https://agent.example/ping',
      }),
    ).toThrow(
      'backchannel_token_delivery_mode is for a client of the urn:openid:params:grant-type:ciba grant',
    );
  });
});
