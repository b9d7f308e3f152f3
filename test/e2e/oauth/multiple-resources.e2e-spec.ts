/**
 * Issue #47, item 11: several `resource` values per grant (RFC 8707 §2, "MAY be used multiple
 * times"). /authorize and PAR take them all; the consent screen lists each; every token request
 * (code exchange, refresh, token exchange) picks one for its access token's `aud` (RFC 8707
 * §2.2), the first when it names none; a resource the grant did not authorize is
 * `invalid_target`. Consent is remembered per resource. Driven over HTTP, as a browser and a
 * client send it: the query and the form carry `resource` once per value.
 */
import { decodeJwt } from 'jose';
import request from 'supertest';
import { MAX_RESOURCES_PER_REQUEST } from '../../../src/oauth/resource/check-resource';
import { TOKEN_EXCHANGE_GRANT_TYPE } from '../../../src/protocol-rules/grant-types';
import {
  authorizeAllowing,
  basic,
  clientEntry,
  login,
  pkcePair,
  type Agent,
  introspect,
} from '../../support/oauth';
import { expectRefusal } from '../../support/refusal';
import { consentForm } from '../../support/fetch-browser';
import { useTestApp } from '../../support/use-test-app';

const CALENDAR = 'https://calendar.example.com/';
const FILES = 'https://files.example.com/mcp';
const MAIL = 'https://mail.example.com/';
/** Configured for no client: never granted. */
const ELSEWHERE = 'https://elsewhere.example.com/';

/** Not first-party: its users see the consent screen. */
const CLIENT = {
  id: 'multi-api',
  secret: 'multi-api-secret',
  redirectUri: 'http://127.0.0.1:7401/callback',
};
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const NOT_GRANTED = {
  error: 'invalid_target',
  error_description: 'resource was not authorized by this grant',
};

/** A query or form with `resource` once per value, in order, as RFC 8707 §2 sends several. */
function parameters(fields: Record<string, string | undefined>, resources: string[] = []): string {
  const params = new URLSearchParams(
    Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined),
  );
  for (const resource of resources) params.append('resource', resource);
  return params.toString();
}

/** The resources the consent page lists, in order. */
function listedResources(html: string): string[] {
  return [...html.matchAll(/<code data-resource="([^"]+)">/g)].map((match) => match[1]);
}

describe('several resources per grant (RFC 8707 §2)', () => {
  let agent: Agent;

  const t = useTestApp({
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    OAUTH_CLIENTS: JSON.stringify([
      clientEntry(CLIENT, {
        resources: [CALENDAR, FILES, MAIL],
        grant_types: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE_GRANT_TYPE],
      }),
    ]),
  });
  beforeAll(async () => {
    agent = request.agent(t.app.getHttpServer());
    await login(agent);
  });

  const server = () => t.app.getHttpServer();

  /** /authorize of CLIENT for `resources`: its path (with a fresh PKCE pair), its verifier. */
  function authorizeRequest(resources: string[], extra: Record<string, string> = {}) {
    const { verifier, challenge } = pkcePair();
    const query = parameters(
      {
        response_type: 'code',
        client_id: CLIENT.id,
        redirect_uri: CLIENT.redirectUri,
        state: 'st-multi',
        scope: 'profile api',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        ...extra,
      },
      resources,
    );
    return { path: `/authorize?${query}`, verifier };
  }

  const authorize = (path: string) => authorizeAllowing(agent, path);

  /** A code of CLIENT for `resources` (the consent screen answered if shown), and its verifier. */
  async function codeFor(resources: string[]): Promise<{ code: string; verifier: string }> {
    const { path, verifier } = authorizeRequest(resources);
    const { location } = await authorize(path);
    const code = location.searchParams.get('code');
    if (!code) throw new Error(`no code in ${location.toString()}`);
    return { code, verifier };
  }

  const token = (form: Record<string, string | undefined>, resources: string[] = []) =>
    request(server())
      .post('/token')
      .set('Authorization', basic(CLIENT.id, CLIENT.secret))
      .type('form')
      .send(parameters(form, resources));

  const exchangeCode = (
    { code, verifier }: { code: string; verifier: string },
    resource?: string,
  ) =>
    token({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: CLIENT.redirectUri,
      resource,
    });

  const refresh = (refreshToken: string, resource?: string) =>
    token({ grant_type: 'refresh_token', refresh_token: refreshToken, resource });

  const exchangeToken = (subjectToken: string, target: Record<string, string>) =>
    token({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      ...target,
    });

  const audienceOf = (accessToken: string) => decodeJwt(accessToken).aud;

  it('lists both on the consent screen; each token request narrows to one; one not granted is invalid_target at each', async () => {
    // 1. /authorize with two resources: the user is shown both servers.
    const { path, verifier } = authorizeRequest([CALENDAR, FILES]);
    const { consentPage, location } = await authorize(path);
    expect(consentPage).toBeDefined();
    expect(listedResources(consentPage!)).toEqual([CALENDAR, FILES]);
    expect(location.searchParams.get('error')).toBeNull();
    const code = location.searchParams.get('code')!;

    // 2. The code exchange names the first: its token is for it alone (one `aud`).
    const issued = await exchangeCode({ code, verifier }, CALENDAR).expect(200);
    expect(audienceOf(issued.body.access_token)).toBe(CALENDAR);

    // 3. A refresh names the other granted resource: its token is for that one.
    const refused = await refresh(issued.body.refresh_token, ELSEWHERE).expect(400);
    expect(refused.body).toEqual(NOT_GRANTED);
    // The refused request left the refresh token valid (RFC 6749 §5.2).
    const toFiles = await refresh(issued.body.refresh_token, FILES).expect(200);
    expect(audienceOf(toFiles.body.access_token)).toBe(FILES);
    // Naming none: the first, as the grant's tokens are by default.
    const byDefault = await refresh(toFiles.body.refresh_token).expect(200);
    expect(audienceOf(byDefault.body.access_token)).toBe(CALENDAR);

    // 4. Token exchange to the other granted resource, by `resource` or by `audience`.
    const subject = byDefault.body.access_token as string;
    const exchanged = await exchangeToken(subject, { resource: FILES }).expect(200);
    expect(decodeJwt(exchanged.body.access_token)).toMatchObject({
      aud: FILES,
      act: { sub: CLIENT.id },
      gid: decodeJwt(subject).gid,
    });
    const byName = await exchangeToken(subject, { audience: FILES }).expect(200);
    expect(audienceOf(byName.body.access_token)).toBe(FILES);
    const elsewhere = await exchangeToken(subject, { resource: ELSEWHERE }).expect(400);
    expect(elsewhere.body).toEqual(NOT_GRANTED);
    const notInGrant = await exchangeToken(subject, { resource: MAIL }).expect(400);
    expect(notInGrant.body).toEqual(NOT_GRANTED);

    // Introspection describes each token as issued: for its own resource.
    const introspected = await introspect(t, toFiles.body.access_token, CLIENT).expect(200);
    expect(introspected.body).toMatchObject({ active: true, aud: FILES });
  });

  it('gives the first resource when the code exchange names none, and refuses one not granted', async () => {
    const first = await exchangeCode(await codeFor([FILES, CALENDAR])).expect(200);
    expect(audienceOf(first.body.access_token)).toBe(FILES);
    const second = await exchangeCode(await codeFor([FILES, CALENDAR]), CALENDAR).expect(200);
    expect(audienceOf(second.body.access_token)).toBe(CALENDAR);
    // The grant keeps every resource, and its first as the default, whatever the exchange named.
    const refreshed = await refresh(second.body.refresh_token).expect(200);
    expect(audienceOf(refreshed.body.access_token)).toBe(FILES);

    for (const resource of [ELSEWHERE, MAIL]) {
      const refused = await exchangeCode(await codeFor([FILES, CALENDAR]), resource).expect(400);
      expect(refused.body).toEqual(NOT_GRANTED);
    }
  });

  it('takes several resources in a pushed request (RFC 9126), in their order', async () => {
    const { verifier, challenge } = pkcePair();
    const pushed = await request(server())
      .post('/par')
      .set('Authorization', basic(CLIENT.id, CLIENT.secret))
      .type('form')
      .send(
        parameters(
          {
            response_type: 'code',
            redirect_uri: CLIENT.redirectUri,
            state: 'st-par',
            scope: 'profile api',
            code_challenge: challenge,
            code_challenge_method: 'S256',
          },
          [MAIL, CALENDAR],
        ),
      )
      .expect(201);
    const path = `/authorize?${parameters({ client_id: CLIENT.id, request_uri: pushed.body.request_uri })}`;
    const { consentPage, location } = await authorize(path);
    // MAIL is new to this user and client: asked, with both servers shown.
    expect(listedResources(consentPage!)).toEqual([MAIL, CALENDAR]);
    const code = location.searchParams.get('code')!;
    const issued = await exchangeCode({ code, verifier }).expect(200);
    expect(audienceOf(issued.body.access_token)).toBe(MAIL);
    const refreshed = await refresh(issued.body.refresh_token, CALENDAR).expect(200);
    expect(audienceOf(refreshed.body.access_token)).toBe(CALENDAR);
    const refused = await refresh(refreshed.body.refresh_token, FILES).expect(400);
    expect(refused.body).toEqual(NOT_GRANTED);
  });

  it('still refuses a resource not allowed for the client with invalid_target, among allowed ones', async () => {
    const { path } = authorizeRequest([CALENDAR, ELSEWHERE]);
    const res = await agent.get(path).expect(302);
    const location = new URL(res.headers.location);
    expect(location.searchParams.get('code')).toBeNull();
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('error_description')).toBe(
      'resource is not allowed for this client',
    );
    expect(location.searchParams.get('state')).toBe('st-multi');
  });

  it('remembers consent per resource: a later request for fewer asks nothing, one for a new resource asks again', async () => {
    const user = request.agent(server());
    await login(user, '/', 'user1', 'password1');
    const as = async (path: string) => {
      const res = await user.get(path);
      return res.status === 200 ? { consentPage: res.text, res } : { res };
    };

    const both = authorizeRequest([CALENDAR, FILES]);
    const asked = await as(both.path);
    expect(listedResources(asked.consentPage!)).toEqual([CALENDAR, FILES]);
    await user
      .post('/consent')
      .type('form')
      .send({ decision: 'allow', ...consentForm(asked.consentPage!) })
      .expect(303);

    // Each resource allowed is remembered on its own: either alone, or both, goes to the code.
    for (const resources of [[CALENDAR], [FILES], [FILES, CALENDAR]]) {
      const again = await as(authorizeRequest(resources).path);
      expect(again.consentPage).toBeUndefined();
      expect(new URL(again.res.headers.location).searchParams.get('code')).toBeTruthy();
    }
    // A resource not allowed yet, with allowed ones: asked again, every server shown.
    const wider = await as(authorizeRequest([CALENDAR, MAIL]).path);
    expect(listedResources(wider.consentPage!)).toEqual([CALENDAR, MAIL]);
  });

  it('refuses more than MAX_RESOURCES_PER_REQUEST resources with invalid_request', async () => {
    const many = Array.from(
      { length: MAX_RESOURCES_PER_REQUEST + 1 },
      (_, i) => `https://r${i}.example.com/`,
    );
    const res = await agent.get(authorizeRequest(many).path).expect(302);
    const location = new URL(res.headers.location);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toBe(
      `At most ${MAX_RESOURCES_PER_REQUEST} resource values may be named in one request`,
    );
  });

  it('takes one resource per device authorization: the verification page confirms one server', async () => {
    const res = await request(server())
      .post('/device_authorization')
      .set('Authorization', basic(CLIENT.id, CLIENT.secret))
      .type('form')
      .send(parameters({ scope: 'profile' }, [CALENDAR, FILES]));
    expectRefusal(res, 400, 'invalid_request', 'Parameter resource must not be repeated');
  });

  it('takes one resource per token request: its token has one `aud` (RFC 8707 §2.2)', async () => {
    const res = await token(
      {
        grant_type: 'authorization_code',
        code: 'unused',
        code_verifier: pkcePair().verifier,
        redirect_uri: CLIENT.redirectUri,
      },
      [CALENDAR, FILES],
    );
    expectRefusal(res, 400, 'invalid_request', 'Parameter resource must not be repeated');
  });
});
