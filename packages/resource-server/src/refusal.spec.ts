import { PROOFGATE_ACR_ORDER, meetsAcr } from './acr';
import { DpopNonces } from './dpop-nonces';
import { protectedResourceMetadata, resourceMetadataUrl } from './metadata';
import { Refused, answer, headerSafe, invalidToken, noCredentials } from './refusal';

const context = {
  realm: 'api',
  resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource',
  dpopAlgs: ['ES256', 'EdDSA'],
};

describe('refusals as RFC 6750 §3 challenges', () => {
  it('answers no credentials with a bare challenge naming the metadata (RFC 6750 §3.1, RFC 9728 §5.1)', () => {
    expect(noCredentials('Bearer', context)).toEqual({
      ok: false,
      status: 401,
      headers: {
        'WWW-Authenticate': `Bearer realm="api", resource_metadata="${context.resourceMetadata}"`,
        'Cache-Control': 'no-store',
      },
      body: { error: 'invalid_request', error_description: 'A bearer access token is required' },
    });
    const dpopOnly = noCredentials('DPoP', context);
    expect(dpopOnly.headers['WWW-Authenticate']).toBe(
      `DPoP realm="api", algs="ES256 EdDSA", resource_metadata="${context.resourceMetadata}"`,
    );
    expect(dpopOnly.body.error_description).toBe('A DPoP-bound access token is required');
  });

  it('writes insufficient_user_authentication with acr_values and max_age (RFC 9470 §3)', () => {
    const refused = new Refused(401, 'insufficient_user_authentication', 'Sign in again', {
      acr_values: 'phr',
      max_age: 300,
    });
    expect(answer(refused, context).headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="insufficient_user_authentication", error_description="Sign in again", ' +
        `acr_values="phr", max_age="300", resource_metadata="${context.resourceMetadata}"`,
    );
  });

  it('moves a bound token’s refusal to the DPoP scheme with algs (RFC 9449 §7.1)', () => {
    const refused = new Refused(403, 'insufficient_scope', 'Lacks api', { scope: 'api' });
    const answered = answer(refused.inDpopScheme(), context);
    expect(answered.status).toBe(403);
    expect(answered.headers['WWW-Authenticate']).toBe(
      'DPoP realm="api", error="insufficient_scope", error_description="Lacks api", scope="api", ' +
        `algs="ES256 EdDSA", resource_metadata="${context.resourceMetadata}"`,
    );
    expect(answered.body).toEqual({ error: 'insufficient_scope', error_description: 'Lacks api' });
    expect(refused.because('scope_missing').inDpopScheme().reason).toBe('scope_missing');
  });

  it('keeps quotes, backslashes and non-ASCII out of a header value', () => {
    expect(headerSafe('say "hi" \\ now\n')).toBe("say 'hi'  now");
    expect(headerSafe('RFC 8628 §5.4: the device’s grant')).toBe(
      "RFC 8628 5.4: the device's grant",
    );
    const answered = answer(invalidToken('a "quoted" word'), { ...context, realm: undefined });
    expect(answered.headers['WWW-Authenticate']).toMatch(
      /^Bearer error="invalid_token", error_description="a 'quoted' word", /,
    );
  });
});

describe('acr order', () => {
  it('ranks Proofgate’s values weakest first; an unknown or missing acr meets nothing', () => {
    expect(meetsAcr('phrh', 'phr', PROOFGATE_ACR_ORDER)).toBe(true);
    expect(meetsAcr('phr', 'phr', PROOFGATE_ACR_ORDER)).toBe(true);
    expect(meetsAcr('urn:proofgate:acr:1fa', 'phr', PROOFGATE_ACR_ORDER)).toBe(false);
    expect(meetsAcr('phr', 'phrh', PROOFGATE_ACR_ORDER)).toBe(false);
    expect(meetsAcr('gold', 'urn:proofgate:acr:1fa', PROOFGATE_ACR_ORDER)).toBe(false);
    expect(meetsAcr(undefined, 'urn:proofgate:acr:1fa', PROOFGATE_ACR_ORDER)).toBe(false);
  });
});

describe('RFC 9728 metadata', () => {
  it('derives the metadata URL by inserting the well-known path before the resource path (§3.1)', () => {
    expect(resourceMetadataUrl('https://api.example/v1/')).toBe(
      'https://api.example/.well-known/oauth-protected-resource/v1',
    );
    expect(resourceMetadataUrl('https://api.example')).toBe(
      'https://api.example/.well-known/oauth-protected-resource',
    );
  });

  it('builds the document (§2)', () => {
    expect(
      protectedResourceMetadata({
        resource: 'https://api.example',
        authorizationServers: ['https://id.example'],
        scopesSupported: ['notes'],
        resourceName: 'Notes',
        dpopBoundAccessTokensRequired: true,
      }),
    ).toEqual({
      resource: 'https://api.example',
      authorization_servers: ['https://id.example'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['notes'],
      resource_name: 'Notes',
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'],
      dpop_bound_access_tokens_required: true,
    });
  });
});

describe('DPoP nonces (RFC 9449 §9)', () => {
  it('accepts the current and the previous step’s nonce, and no other', () => {
    const nonces = new DpopNonces('k'.repeat(32));
    const first = nonces.current(600);
    expect(nonces.check(first, 610)).toBe('current');
    expect(nonces.check(first, 660)).toBe('previous');
    expect(nonces.check(first, 720)).toBe('invalid');
    expect(new DpopNonces('x'.repeat(32)).check(first, 610)).toBe('invalid');
    expect(nonces.check(`${first.slice(0, -1)}A`, 610)).toBe('invalid');
  });
});
