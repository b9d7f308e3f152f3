import { refresh, tokensFor, getMe, useLoggedInApp } from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';

describe('refresh tokens: rotation, grace retry, reuse detection (OAuth 2.1 §4.3.1)', () => {
  const t = useLoggedInApp();

  const tokens = () => tokensFor(t.app.getHttpServer(), t.agent, { scope: 'profile api' });

  it('rotates the refresh token on every use', async () => {
    const first = await tokens();
    const second = await refresh(t.app.getHttpServer(), first.refresh_token).expect(200);
    expect(second.headers['cache-control']).toBe('no-store');
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    expect(second.body.scope).toBe('profile api');
    const third = await refresh(t.app.getHttpServer(), second.body.refresh_token).expect(200);
    expect(third.body.refresh_token).not.toBe(second.body.refresh_token);
    await getMe(t, third.body.access_token).expect(200);
  });

  it('answers a retry of the previous token within the grace window with the same successor', async () => {
    const first = await tokens();
    const a = await refresh(t.app.getHttpServer(), first.refresh_token).expect(200);
    t.clock.advance(5);
    const retry = await refresh(t.app.getHttpServer(), first.refresh_token).expect(200);
    expect(retry.body.refresh_token).toBe(a.body.refresh_token);
    // Not treated as an attack: the family still works.
    await refresh(t.app.getHttpServer(), a.body.refresh_token).expect(200);
  });

  it('fapi2-security-profile-final-refresh-token: the previous token retried 30 s after its rotation gets the successor, and the grant lives (FAPI 2.0 §5.3.2.1-9)', async () => {
    const first = await tokens();
    const a = await refresh(t.app.getHttpServer(), first.refresh_token).expect(200);
    // The suite waits 30 s, then 1 s more before its token request.
    t.clock.advance(35);
    const retry = await refresh(t.app.getHttpServer(), first.refresh_token);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toBe(a.body.refresh_token);
    await getMe(t, retry.body.access_token).expect(200);
    await refresh(t.app.getHttpServer(), retry.body.refresh_token).expect(200);
  });

  it('gives concurrent uses of one token the same successor, up to the grace retry limit', async () => {
    const first = await tokens();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => refresh(t.app.getHttpServer(), first.refresh_token)),
    );
    // One rotation plus REFRESH_TOKEN_GRACE_RETRIES (5) retries get the successor; the rest are
    // refused without revoking the family (same client, within the window: a client bug, not theft).
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(6);
    expect(new Set(ok.map((r) => r.body.refresh_token as string)).size).toBe(1);
    for (const refused of results.filter((r) => r.status !== 200)) {
      expectRefusal(
        refused,
        400,
        'invalid_grant',
        'Refresh token already rotated; the grace window answers no more retries of it',
      );
    }
    await refresh(t.app.getHttpServer(), ok[0].body.refresh_token as string).expect(200);
  });

  it('revokes the whole family when a rotated token is reused after the grace window', async () => {
    const first = await tokens();
    const second = await refresh(t.app.getHttpServer(), first.refresh_token).expect(200);
    // REFRESH_TOKEN_GRACE_SECONDS: 60 by default.
    t.clock.advance(61);

    const reuse = await refresh(t.app.getHttpServer(), first.refresh_token);
    expectRefusal(
      reuse,
      400,
      'invalid_grant',
      'Refresh token reuse detected; the grant has been revoked',
    );
    const legit = await refresh(t.app.getHttpServer(), second.body.refresh_token);
    expect(legit.body).toEqual({
      error: 'invalid_grant',
      error_description: 'The grant has been revoked',
    });
    await getMe(t, second.body.access_token).expect(401);
    expect(
      await t.connection
        .collection('security_events')
        .countDocuments({ type: 'refresh_token_reuse' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('revokes the family when an older token is reused after its successor was used', async () => {
    const first = await tokens();
    const second = await refresh(t.app.getHttpServer(), first.refresh_token).expect(200);
    await refresh(t.app.getHttpServer(), second.body.refresh_token).expect(200);
    const reuse = await refresh(t.app.getHttpServer(), first.refresh_token);
    expect(reuse.body.error_description).toBe(
      'Refresh token reuse detected; the grant has been revoked',
    );
  });

  it('narrows scope on request and refuses to widen it', async () => {
    const first = await tokens();
    const narrowed = await t
      .http()
      .post('/token')
      .type('form')
      .auth('demo-client', 'demo-secret')
      .send({ grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: 'api' })
      .expect(200);
    expect(narrowed.body.scope).toBe('api');
    const widened = await t
      .http()
      .post('/token')
      .type('form')
      .auth('demo-client', 'demo-secret')
      .send({
        grant_type: 'refresh_token',
        refresh_token: narrowed.body.refresh_token,
        scope: 'api openid',
      });
    expect(widened.status).toBe(400);
    expect(widened.body.error).toBe('invalid_scope');
  });

  it('leaves the refresh token valid after a refused escalation of scope (RFC 6749 §5.2)', async () => {
    const first = await tokens();
    const escalated = await t
      .http()
      .post('/token')
      .type('form')
      .auth('demo-client', 'demo-secret')
      .send({ grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: 'admin' });
    expect(escalated.status).toBe(400);
    expect(escalated.body.error).toBe('invalid_scope');

    // Well past the grace window: had the refusal rotated the token, this would be "reuse".
    t.clock.advance(60);
    const next = await refresh(t.app.getHttpServer(), first.refresh_token).expect(200);
    await getMe(t, next.body.access_token).expect(200);
  });

  it('leaves the refresh token valid after another client presented it', async () => {
    const first = await tokens();
    const other = await t.http().post('/token').type('form').send({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      client_id: 'demo-spa',
    });
    expect(other.body.error).toBe('invalid_grant');
    t.clock.advance(60);
    await refresh(t.app.getHttpServer(), first.refresh_token).expect(200);
  });

  it('rejects unknown tokens, other clients and expired families', async () => {
    const unknown = await refresh(t.app.getHttpServer(), 'x'.repeat(43));
    expect(unknown.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid refresh token',
    });

    const first = await tokens();
    const other = await t.http().post('/token').type('form').send({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      client_id: 'demo-spa',
    });
    expect(other.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Refresh token was issued to another client',
    });

    t.clock.advance(30 * 86_400 + 1);
    const expired = await refresh(t.app.getHttpServer(), first.refresh_token);
    expect(expired.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Refresh token expired',
    });
  });
});
