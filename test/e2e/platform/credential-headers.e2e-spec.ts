/**
 * One credential header each: a request with two `Authorization` (or two `DPoP`) header lines is
 * refused before any route reads it. Node keeps the first Authorization line and drops the rest,
 * so without this a proxy reading the last one and this service would act for two principals.
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

  it('refuses two clients’ Basic credentials at /token, and two DPoP proofs', async () => {
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
    const twoProofs = await t
      .http()
      .post('/token')
      .type('form')
      .set({ DPoP: ['a.b.c', 'd.e.f'] })
      .send({ grant_type: 'client_credentials' });
    expectRefusal(
      twoProofs,
      400,
      'invalid_request',
      'The request has more than one DPoP header: send one',
    );
  });
});
