import { useTestApp } from '../../support/use-test-app';

describe('Proofgate API as an RFC 9728 protected resource', () => {
  let issuer: string;

  const t = useTestApp();
  beforeAll(() => {
    issuer = t.config.server.issuer;
  });

  it.each(['/.well-known/oauth-protected-resource/api', '/.well-known/oauth-protected-resource'])(
    'GET %s describes /api and the server issuing its tokens',
    async (path) => {
      const res = await t.http().get(path).expect(200);
      expect(res.body).toEqual({
        resource: t.config.tokens.audience,
        authorization_servers: [issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['openid', 'profile', 'email', 'api', 'account', 'identity', 'age'],
        jwks_uri: `${issuer}/jwks.json`,
        resource_name: 'Proofgate API',
        dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'Ed25519', 'RS256', 'PS256'],
      });
    },
  );

  it('/api/me without a token answers a bare Bearer challenge naming the metadata', async () => {
    const res = await t.http().get('/api/me').expect(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="proofgate", resource_metadata="${issuer}/.well-known/oauth-protected-resource/api"`,
    );
  });

  it('/api/me with a bad token keeps the error attributes and adds resource_metadata', async () => {
    const res = await t.http().get('/api/me').set('Authorization', 'Bearer a.b.c').expect(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="proofgate", error="invalid_token", ' +
        'error_description="The access token is invalid", ' +
        `resource_metadata="${issuer}/.well-known/oauth-protected-resource/api"`,
    );
  });

  it("the authorization server metadata lists the server's own APIs as its protected resources", async () => {
    const res = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
    expect(res.body.protected_resources).toEqual([
      t.config.tokens.audience,
      `${issuer}/admin/v1`,
      `${issuer}/ssf`,
    ]);
    // Each names a metadata document of its own (RFC 9728 §3.1) that names it back.
    for (const resource of res.body.protected_resources as string[]) {
      const path = `/.well-known/oauth-protected-resource${new URL(resource).pathname}`;
      const metadata = await t.http().get(path).expect(200);
      expect(metadata.body).toMatchObject({ resource, authorization_servers: [issuer] });
    }
  });
});
