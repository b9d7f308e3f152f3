import {
  REQUEST_OBJECT_SIGNING_ALG_VALUES,
  isRequestObjectAudience,
  requestObjectMetadataProblem,
} from './request-object';

const ISSUER = 'https://auth.example.com';

describe('request objects (RFC 9101): what a client may register, and their audience', () => {
  it('announces none beside the algorithms of the client keys, never HS*', () => {
    expect(REQUEST_OBJECT_SIGNING_ALG_VALUES).toEqual(['none', 'ES256', 'PS256', 'RS256', 'EdDSA']);
  });

  it('a signing algorithm or require_signed_request_object needs the client keys', () => {
    expect(requestObjectMetadataProblem('ES256', true, true)).toBeUndefined();
    expect(requestObjectMetadataProblem(undefined, false, false)).toBeUndefined();
    expect(requestObjectMetadataProblem(undefined, undefined, false)).toBeUndefined();
    expect(requestObjectMetadataProblem('RS256', undefined, false)).toBe(
      'request_object_signing_alg needs the client\'s public keys (token_endpoint_auth_method "private_key_jwt" with jwks or jwks_uri): a request object is verified with them, never with a client secret, of which only a hash is kept',
    );
    expect(requestObjectMetadataProblem(undefined, true, false)).toMatch(
      /^require_signed_request_object needs the client's public keys/,
    );
  });

  it.each([['HS256'], ['none'], ['ES384'], [42]])(
    'refuses request_object_signing_alg %j',
    (alg) => {
      expect(requestObjectMetadataProblem(alg, undefined, true)).toBe(
        'request_object_signing_alg must be one of ES256, PS256, RS256, EdDSA (unsigned request objects need no registration)',
      );
    },
  );

  it('refuses a require_signed_request_object that is not a boolean', () => {
    expect(requestObjectMetadataProblem(undefined, 'true', true)).toBe(
      'require_signed_request_object must be true or false',
    );
  });

  it('takes the issuer as aud, alone or in an array (FAPI 2.0 Message Signing §5.3.1), nothing else', () => {
    expect(isRequestObjectAudience(ISSUER, ISSUER)).toBe(true);
    expect(isRequestObjectAudience([ISSUER, 'https://other.example'], ISSUER)).toBe(true);
    expect(isRequestObjectAudience(`${ISSUER}/`, ISSUER)).toBe(false);
    expect(isRequestObjectAudience(`${ISSUER}/par`, ISSUER)).toBe(false);
    expect(isRequestObjectAudience(['https://other.example'], ISSUER)).toBe(false);
    expect(isRequestObjectAudience(undefined, ISSUER)).toBe(false);
    expect(isRequestObjectAudience({ aud: ISSUER }, ISSUER)).toBe(false);
  });
});
