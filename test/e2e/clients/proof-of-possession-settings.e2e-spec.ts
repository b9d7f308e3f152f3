/**
 * The per-client settings of RFC 9449 §5.2 (`dpop_bound_access_tokens`) and RFC 9126 §6
 * (`require_pushed_authorization_requests`), as the admin CLI and dynamic registration carry
 * them, and what `dpop_bound_access_tokens` does at the token endpoint.
 */
import request from 'supertest';
import { adminCli } from '../../support/admin-cli';
import { login, obtainCode, type Agent } from '../../support/oauth';
import { dpopKey, signProof } from '../../support/dpop';
import { ipIssuer } from '../../support/ip-issuer';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

describe('proof-of-possession client settings', () => {
  let agent: Agent;
  const issuer = 'http://127.0.0.1:25997';
  const redirectUri = 'http://127.0.0.1:25010/callback';

  const t = useTestApp({ ...ipIssuer(issuer), CLIENT_CACHE_TTL_SECONDS: '0' });
  beforeAll(async () => {
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });

  /** A code exchange by the public client `clientId`, with a DPoP proof when given one. */
  async function exchange(clientId: string, dpop?: string) {
    const { code, verifier } = await obtainCode(agent, {
      client_id: clientId,
      redirect_uri: redirectUri,
    });
    const req = t.http().post('/token').type('form');
    if (dpop !== undefined) req.set('DPoP', dpop);
    return req.send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: clientId,
    });
  }

  it('admin CLI: clients add --dpop-bound-access-tokens, shown and enforced', async () => {
    const run = await adminCli(t, [
      'clients',
      'add',
      'pop-cli',
      '--public',
      '--first-party',
      '--redirect-uri',
      redirectUri,
      '--dpop-bound-access-tokens',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      client_id: 'pop-cli',
      dpop_bound_access_tokens: true,
    });
    expect(JSON.parse(run.stdout)).not.toHaveProperty('require_pushed_authorization_requests');
    const shown = await adminCli(t, ['clients', 'show', 'pop-cli']);
    expect(shown.stdout).toMatch(/DPoP proofs:\s+required/);

    const refused = await exchange('pop-cli');
    expectRefusal(
      refused,
      400,
      'invalid_request',
      'This client must send a DPoP proof with its token requests',
    );
    const key = await dpopKey();
    const bound = await exchange('pop-cli', await signProof(key, { htu: `${issuer}/token` }));
    expect(bound.status).toBe(200);
    expect(bound.body.token_type).toBe('DPoP');
  });

  it('dynamic registration (RFC 7591) carries both settings and answers them back', async () => {
    const res = await t
      .http()
      .post('/register')
      .send({
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'none',
        dpop_bound_access_tokens: true,
        require_pushed_authorization_requests: true,
      })
      .expect(201);
    expect(res.body).toMatchObject({
      dpop_bound_access_tokens: true,
      require_pushed_authorization_requests: true,
    });
    const plain = await t
      .http()
      .post('/register')
      .send({ redirect_uris: [redirectUri], token_endpoint_auth_method: 'none' })
      .expect(201);
    expect(plain.body).not.toHaveProperty('dpop_bound_access_tokens');
  });

  it('refuses a registration whose setting is not a boolean', async () => {
    const res = await t
      .http()
      .post('/register')
      .send({ redirect_uris: [redirectUri], dpop_bound_access_tokens: 'yes' });
    expectRefusal(
      res,
      400,
      'invalid_client_metadata',
      'dpop_bound_access_tokens must be true or false',
    );
  });
});
