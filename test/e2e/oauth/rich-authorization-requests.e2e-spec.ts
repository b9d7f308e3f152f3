/**
 * RFC 9396 rich authorization requests, driven by an independent client (oauth4webapi): a client
 * asks for `authorization_details` of an operator-defined type (AUTHORIZATION_DETAILS_TYPES), the
 * consent screen shows each as its template renders it (escaped), and the granted details are in
 * the token response, the access token, introspection and refreshed tokens; token exchange may
 * narrow them, never widen. Every refusal is `invalid_authorization_details`, checked over raw
 * HTTP: an unknown type, an object its schema refuses, malformed JSON, a type the client did not
 * register, a widened exchange.
 */
import * as oauth from 'oauth4webapi';
import { decodeJwt } from 'jose';
import { TOKEN_EXCHANGE_GRANT_TYPE } from '../../../src/protocol-rules/grant-types';
import { addOperatorClient } from '../../support/operator-clients';
import { TestApp, startListeningApp } from '../../support/test-app';
import { INSECURE, authorizationRequest, discover } from '../../support/oauth-discovery';
import { consentForm } from '../../support/fetch-browser';
import { CookieBrowser, signedInBrowser } from '../../support/cookie-browser';
import { basic, pkcePair } from '../../support/oauth';
import { PAYMENT_INITIATION, PAY_12 } from '../../support/authorization-details';

const REDIRECT_URI = 'http://127.0.0.1:7311/callback';
const PAYER = 'payer';
const INITIAL_ACCESS_TOKEN = 'rar-initial-access-token-0123456789';

const TYPES = {
  payment_initiation: PAYMENT_INITIATION,
  account_information: {
    schema: {
      type: 'object',
      required: ['type', 'account'],
      properties: { type: { const: 'account_information' }, account: { type: 'string' } },
      additionalProperties: false,
    },
    template: 'Read the balance of {{account}}',
  },
};

const PAY_7 = { type: 'payment_initiation', amount: '7.50', currency: 'USD', creditor: 'Y' };

describe('rich authorization requests (RFC 9396)', () => {
  let t: TestApp;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let secret: string;
  const client: oauth.Client = { client_id: PAYER };
  const auth = () => oauth.ClientSecretBasic(secret);
  let browser: CookieBrowser;

  /**
   * user1 (signed in once, in `browser`) asking for `details`: through the consent screen when it
   * shows (then Allow), and the token response as the library checked it.
   */
  async function grantedTokens(details: readonly object[]) {
    const request = await authorizationRequest(as, client, REDIRECT_URI, {
      scope: 'profile api',
      authorization_details: JSON.stringify(details),
    });
    let answer = await browser.get(request.url.href);
    let consentPage: string | undefined;
    if (answer.status === 200) {
      consentPage = await answer.text();
      const allowed = await browser.postForm(`${issuer}/consent`, {
        decision: 'allow',
        ...consentForm(consentPage),
      });
      answer = await browser.get(new URL(allowed.headers.get('location')!, issuer).href);
    }
    const callback = new URL(answer.headers.get('location')!);
    const { params, verifier } = request.authorized(callback);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth(),
      params,
      REDIRECT_URI,
      verifier,
      INSECURE,
    );
    return {
      consentPage,
      tokens: await oauth.processAuthorizationCodeResponse(as, client, response),
    };
  }

  /** POST /par by the payer with `extra`: the raw answer, for refusals. */
  function push(extra: Record<string, string>, who = { id: PAYER, secret: () => secret }) {
    return t
      .http()
      .post('/par')
      .type('form')
      .set('Authorization', basic(who.id, who.secret()))
      .send({
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'profile',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        ...extra,
      });
  }

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp({
      AUTHORIZATION_DETAILS_TYPES: JSON.stringify(TYPES),
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
      RATE_LIMIT_LOGIN_PER_IP: '1000',
    }));
    as = await discover(issuer);
    secret = (await addOperatorClient(t, {
      clientId: PAYER,
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT_TYPE],
    }))!;
    browser = await signedInBrowser(issuer);
  });
  afterAll(() => t.close());

  it('lists the operator’s types in the metadata', () => {
    expect(as.authorization_details_types_supported).toEqual([
      'payment_initiation',
      'account_information',
    ]);
  });

  it('shows each detail rendered and escaped on the consent screen, and grants exactly them', async () => {
    const { consentPage, tokens } = await grantedTokens([PAY_12]);
    expect(consentPage).toContain(
      '<li data-authorization-detail="payment_initiation"><strong>Pay 12.00 EUR to X &lt;Shop&gt;</strong>',
    );
    expect(consentPage).not.toContain('authorization_details:');
    expect(tokens.authorization_details).toEqual([PAY_12]);
    expect(decodeJwt(tokens.access_token).authorization_details).toEqual([PAY_12]);

    const introspected = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth(), tokens.access_token, INSECURE),
    );
    expect(introspected).toMatchObject({ active: true, authorization_details: [PAY_12] });

    // RFC 9396 §7: a refresh keeps the grant's details.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth(), tokens.refresh_token!, INSECURE),
    );
    expect(refreshed.authorization_details).toEqual([PAY_12]);
    expect(decodeJwt(refreshed.access_token).authorization_details).toEqual([PAY_12]);
  });

  it('asks again for the same details: an Allow answers one request, never a second payment', async () => {
    const first = await grantedTokens([PAY_12]);
    expect(first.consentPage).toContain('Pay 12.00 EUR to X &lt;Shop&gt;');
    const again = await grantedTokens([PAY_12]);
    expect(again.consentPage).toContain('Pay 12.00 EUR to X &lt;Shop&gt;');
    expect(again.tokens.authorization_details).toEqual([PAY_12]);
  });

  it('gives one code for one Allow when two requests race on it', async () => {
    const asked = await authorizationRequest(as, client, REDIRECT_URI, {
      scope: 'profile api',
      authorization_details: JSON.stringify([PAY_12]),
    });
    const page = await browser.get(asked.url.href);
    expect(page.status).toBe(200);
    const allowed = await browser.postForm(`${issuer}/consent`, {
      decision: 'allow',
      ...consentForm(await page.text()),
    });
    const back = new URL(allowed.headers.get('location')!, issuer).href;
    const answers = await Promise.all([browser.get(back), browser.get(back)]);
    const codes = answers.filter((answer) =>
      new URL(answer.headers.get('location') ?? 'x:', issuer).searchParams.has('code'),
    );
    expect(codes).toHaveLength(1);
    // The other is asked again, on the consent screen.
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 302]);
  });

  describe('token exchange (narrow only)', () => {
    const exchange = (subject: string, details?: readonly object[]) =>
      t
        .http()
        .post('/token')
        .type('form')
        .set('Authorization', basic(PAYER, secret))
        .send({
          grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
          subject_token: subject,
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          ...(details === undefined ? {} : { authorization_details: JSON.stringify(details) }),
        });

    it('narrows to a subset of the granted objects, and keeps them all when not asked', async () => {
      const { tokens } = await grantedTokens([PAY_12, PAY_7]);
      const narrowed = await exchange(tokens.access_token, [PAY_7]).expect(200);
      expect(narrowed.body.authorization_details).toEqual([PAY_7]);
      expect(decodeJwt(narrowed.body.access_token as string).authorization_details).toEqual([
        PAY_7,
      ]);
      const kept = await exchange(tokens.access_token).expect(200);
      expect(decodeJwt(kept.body.access_token as string).authorization_details).toEqual([
        PAY_12,
        PAY_7,
      ]);
    });

    it('refuses a widened exchange: another amount, or details the token never had', async () => {
      const { tokens } = await grantedTokens([PAY_12]);
      const wider = await exchange(tokens.access_token, [{ ...PAY_12, amount: '1200.00' }]).expect(
        400,
      );
      expect(wider.body).toEqual({
        error: 'invalid_authorization_details',
        error_description:
          'authorization_details may only narrow those granted: each object must be one granted',
      });
      await exchange(tokens.access_token, [PAY_12, PAY_7]).expect(400);
    });
  });

  describe('refusals (invalid_authorization_details)', () => {
    it.each([
      [
        'an unknown type',
        [{ type: 'crypto_transfer', amount: '1.00' }],
        'authorization_details[0] is of a type this server does not support',
      ],
      [
        'an object its schema refuses',
        [{ ...PAY_12, currency: 'XAU' }],
        'authorization_details[0] is not a valid payment_initiation at /currency: must be equal to one of the allowed values',
      ],
      ['no type', [{ amount: '1.00' }], 'authorization_details[0] has no string type'],
      ['an empty array', [], 'authorization_details must be a non-empty JSON array'],
    ])('at /par: %s', async (_what, details, description) => {
      const refused = await push({ authorization_details: JSON.stringify(details) }).expect(400);
      expect(refused.body).toEqual({
        error: 'invalid_authorization_details',
        error_description: description,
      });
    });

    it('at /par: text that is not JSON', async () => {
      const refused = await push({ authorization_details: '[{"type":' }).expect(400);
      expect(refused.body).toEqual({
        error: 'invalid_authorization_details',
        error_description: 'authorization_details is not JSON',
      });
    });

    it('at /authorize: to the client, with state and iss', async () => {
      const request = await authorizationRequest(as, client, REDIRECT_URI, {
        authorization_details: JSON.stringify([{ type: 'nope' }]),
      });
      const answer = await t
        .http()
        .get(request.url.pathname + request.url.search)
        .expect(302);
      const location = new URL(answer.headers.location);
      expect(location.searchParams.get('error')).toBe('invalid_authorization_details');
      expect(location.searchParams.get('iss')).toBe(issuer);
    });
  });

  describe('clients that register themselves (RFC 7591, RFC 9396 §10)', () => {
    const register = (body: object) =>
      t
        .http()
        .post('/register')
        .set('Authorization', `Bearer ${INITIAL_ACCESS_TOKEN}`)
        .send({ redirect_uris: [REDIRECT_URI], ...body });

    it('registers authorization_details_types and may then ask for those only', async () => {
      const registered = await register({
        authorization_details_types: ['payment_initiation'],
      }).expect(201);
      expect(registered.body.authorization_details_types).toEqual(['payment_initiation']);
      const who = {
        id: registered.body.client_id as string,
        secret: () => registered.body.client_secret as string,
      };
      await push({ authorization_details: JSON.stringify([PAY_12]) }, who).expect(201);
      const refused = await push(
        { authorization_details: JSON.stringify([{ type: 'account_information', account: 'a1' }]) },
        who,
      ).expect(400);
      expect(refused.body).toEqual({
        error: 'invalid_authorization_details',
        error_description: 'authorization_details[0] is of a type this client did not register',
      });
    });

    it('refuses a type the server does not support', async () => {
      const refused = await register({ authorization_details_types: ['crypto_transfer'] }).expect(
        400,
      );
      expect(refused.body).toEqual({
        error: 'invalid_client_metadata',
        error_description: 'authorization_details_types names a type this server does not support',
      });
    });
  });
});
