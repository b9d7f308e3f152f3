/**
 * One credential header each: a request with two `Authorization` header lines is refused before
 * any route reads it. Node keeps the first line and drops the rest, so without this a proxy
 * reading the last one and this service would act for two principals. (Two DPoP proofs:
 * test/e2e/tokens/dpop-token.e2e-spec.ts.)
 */
import { expectRefusal } from '../../support/refusal';
import { DEMO_CLIENT, basic, getMe, tokensFor, useLoggedInApp } from '../../support/oauth';

describe('repeated credential headers', () => {
  const t = useLoggedInApp();

  it('refuses two Authorization headers at an API, whichever comes first', async () => {
    const { access_token: token } = await tokensFor(t.app.getHttpServer(), t.agent);
    expect((await getMe(t, token)).status).toBe(200);
    for (const headers of [
      [`Bearer ${token}`, 'Bearer garbage'],
      ['Bearer garbage', `Bearer ${token}`],
    ]) {
      const res = await t.http().get('/api/me').set({ Authorization: headers });
      expectRefusal(
        res,
        400,
        'invalid_request',
        'The request has more than one Authorization header: send one',
      );
    }
  });

  it('refuses two clients’ Basic credentials at /token', async () => {
    const twoClients = await t
      .http()
      .post('/token')
      .type('form')
      .set({ Authorization: [basic(DEMO_CLIENT.id, DEMO_CLIENT.secret), basic('other', 'x')] })
      .send({ grant_type: 'client_credentials' });
    expectRefusal(
      twoClients,
      400,
      'invalid_request',
      'The request has more than one Authorization header: send one',
    );
  });
});
