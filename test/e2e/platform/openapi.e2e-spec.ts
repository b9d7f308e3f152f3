import type { OpenAPIObject } from '@nestjs/swagger';
import type { Response } from 'supertest';
import { CSRF_FAILURES } from '../../../src/login/login-csrf';
import { CSRF_REFUSALS } from '../../../src/platform/csrf/csrf-protection';
import { INVALID_ID_TOKEN_HINT } from '../../../src/tokens/id-token-hint.verifier';
import { WALLET_CHAINS } from '../../../src/wallet/wallet-chains';
import { TestApp } from '../../support/test-app';
import { SERVICE_VERSION } from '../../../src/platform/version';
import { useTestApp } from '../../support/use-test-app';

interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  example?: unknown;
  required?: string[];
}
interface Parameter {
  name: string;
  in: string;
  example?: unknown;
  required?: string[];
  examples?: Record<string, { value: unknown }>;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

const FORM = 'application/x-www-form-urlencoded';

/** Every (method, path) the Nest application registered, in OpenAPI path syntax. */
function registeredRoutes(t: TestApp): string[] {
  const routes: string[] = [];
  for (const route of t.routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    // The documentation serving itself and the pages' static assets (@fastify/static's routes).
    if (path.startsWith('/docs') || path.startsWith('/static/')) continue;
    routes.push(`${route.method} ${path}`);
  }
  return routes.sort();
}

describe('GET /docs (OpenAPI)', () => {
  let document: OpenAPIObject;

  const t = useTestApp();
  beforeAll(async () => {
    document = (await t.http().get('/docs-json').expect(200)).body as OpenAPIObject;
  });

  it('serves the Swagger UI page, titled as Proofgate’s API', async () => {
    const res = await t.http().get('/docs/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
    expect(res.text).toContain('<title>Proofgate API</title>');
  });

  it('gives the release as the document’s version', () => {
    expect(document.info.version).toBe(SERVICE_VERSION);
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists operations of the API only, no static asset of the pages', () => {
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/static/'))).toEqual([]);
  });

  it('documents every route the application registers', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    const routes = registeredRoutes(t);
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
    expect(routes).toEqual(
      expect.arrayContaining([
        'get /challenge-models/{id}',
        'post /wallet/verify',
        'get /.well-known/oauth-protected-resource',
        'get /.well-known/oauth-protected-resource/api',
      ]),
    );
  });

  /**
   * Successes with no body by their protocol: SSF 1.0 §8.1.3.2 answers an added subject with an
   * empty 200 OK. A 204 (RFC 9110 §15.3.5) never has a body, so it needs no schema either.
   */
  const EMPTY_SUCCESSES = ['post /ssf/subjects/add'];

  it('gives every JSON endpoint a response schema for its success status', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(
        item as Record<
          string,
          { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }
        >,
      )) {
        const success = Object.entries(operation.responses).find(([status]) => /^2/.test(status));
        const redirect = Object.keys(operation.responses).some((status) => /^3/.test(status));
        if (redirect) continue;
        if (success?.[0] === '204' && !success[1].content) continue;
        if (EMPTY_SUCCESSES.includes(`${method} ${path}`) && !success?.[1].content) continue;
        const content = success?.[1].content;
        const hasSchema = content && Object.values(content).some((c) => c.schema);
        if (!hasSchema) missing.push(`${method} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  const operations = (): [string, Operation][] =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>).map(
        ([method, operation]): [string, Operation] => [`${method} ${path}`, operation],
      ),
    );
  const component = (schema: Schema): Schema => {
    const name = schema.$ref?.replace('#/components/schemas/', '');
    return name ? document.components!.schemas![name] : schema;
  };
  const exampleOf = (parameter: Parameter): unknown =>
    parameter.example ??
    parameter.schema?.example ??
    Object.values(parameter.examples ?? {})[0]?.value;

  it('takes every JSON request and response shape from a DTO class, none written by hand', () => {
    const handWritten: string[] = [];
    for (const [operation, { requestBody, responses }] of operations()) {
      const bodies = Object.entries(requestBody?.content ?? {}).map(([type, c]) => [
        `${operation} request ${type}`,
        c.schema,
      ]);
      const answers = Object.entries(responses).flatMap(([status, response]) =>
        Object.entries(response.content ?? {})
          .filter(([type]) => type === 'application/json')
          .map(([type, c]) => [`${operation} ${status} ${type}`, c.schema]),
      );
      for (const [where, schema] of [...bodies, ...answers] as [string, Schema | undefined][]) {
        // A reference, a list of one, or one of several references or lists of one
        // (GET /challenge-models/{id}; GET /ssf/streams: one stream, or the receiver's).
        const fromDtos =
          schema?.$ref ??
          schema?.items?.$ref ??
          (schema?.oneOf?.length &&
            schema.oneOf.every((member) => member.$ref ?? member.items?.$ref));
        if (!fromDtos) handWritten.push(where);
      }
    }
    expect(handWritten).toEqual([]);
    expect(
      Object.keys(document.components!.schemas!).filter((name) => !name.endsWith('Dto')),
    ).toEqual([]);
  });

  it('gives every parameter and every request body field an example', () => {
    const missing: string[] = [];
    for (const [operation, { parameters = [], requestBody }] of operations()) {
      for (const parameter of parameters) {
        if (exampleOf(parameter) === undefined) missing.push(`${operation} ${parameter.name}`);
      }
      for (const [type, { schema }] of Object.entries(requestBody?.content ?? {})) {
        const properties = Object.entries(component(schema).properties ?? {});
        if (properties.length === 0) missing.push(`${operation} ${type} (no fields)`);
        for (const [name, property] of properties) {
          if (property.example === undefined) missing.push(`${operation} ${type} ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents the fields of a JSON Merge Patch body (RFC 7396 §2) as nullable, null removing one; no other body’s', () => {
    const nullable: string[] = [];
    for (const [operation, { requestBody }] of operations()) {
      for (const { schema } of Object.values(requestBody?.content ?? {})) {
        for (const [name, property] of Object.entries(component(schema).properties ?? {})) {
          if (property.nullable !== true) continue;
          nullable.push(`${operation} ${name}`);
          expect(property.description).toMatch(/\. null: removes it, as if POST had left it out$/);
        }
      }
    }
    const patch = 'patch /admin/v1/clients/{clientId}';
    const [, operation] = operations().find(([name]) => name === patch)!;
    const fields = Object.keys(
      component(operation.requestBody!.content['application/json'].schema).properties!,
    );
    expect(fields).toEqual(expect.arrayContaining(['scope', 'logo_uri', 'redirect_uris']));
    expect(nullable).toEqual(fields.map((name) => `${patch} ${name}`));
  });

  it('declares the form encoding of the form endpoints', () => {
    const bodyTypes = Object.fromEntries(
      operations()
        .filter(([, operation]) => operation.requestBody)
        .map(([operation, { requestBody }]) => [operation, Object.keys(requestBody!.content)]),
    );
    expect(bodyTypes).toEqual({
      'post /authorize': [FORM],
      'post /token': [FORM],
      'post /par': [FORM],
      'post /revoke': [FORM],
      'post /introspect': [FORM],
      'post /login': [FORM],
      'post /logout': [FORM],
      'post /end_session': [FORM],
      'post /end_session/confirm': [FORM],
      'post /consent': [FORM],
      'post /device_authorization': [FORM],
      'post /device': [FORM],
      'post /backchannel': [FORM],
      'post /account/approvals/{id}/approve': [FORM],
      'post /account/approvals/{id}/challenge': ['application/json'],
      'post /account/approvals/{id}/deny': [FORM],
      'post /userinfo': [FORM],
      'post /login/siwe': ['application/json'],
      'post /wallet/nonce': ['application/json'],
      'post /wallet/verify': ['application/json'],
      'post /register': ['application/json'],
      'post /passkeys/registration/verify': ['application/json'],
      'post /account/methods/wallet': ['application/json'],
      'post /account/methods/wallet/nonce': ['application/json'],
      'post /account/oid4vp/requests': ['application/json'],
      'post /login/passkey': ['application/json'],
      'post /account/passkeys/options': ['application/json'],
      'post /account/passkeys': ['application/json'],
      'post /account/methods/remove': [FORM],
      'post /account/oid4vp/complete': [FORM],
      'post /passkeys/authentication/verify': ['application/json'],
      'post /account/methods/password': ['application/json'],
      'post /account/password': [FORM],
      'post /account/sign-out-everywhere': [FORM],
      'post /account/wallets': ['application/json'],
      'post /account/wallets/nonce': ['application/json'],
      'post /login/email/start': ['application/json', FORM],
      'post /login/email/verify': ['application/json', FORM],
      'post /login/email/link': [FORM, 'application/json'],
      'post /account/email/code': [FORM],
      'post /account/email': [FORM],
      'post /account/methods/email/code': ['application/json'],
      'post /account/methods/email': ['application/json'],
      'post /account/upstream/{id}': [FORM],
      'post /oid4vp/requests': ['application/json', FORM],
      'post /oid4vp/requests/{id}/request': [FORM],
      'post /oid4vp/response': [FORM],
      // The admin API (issue #77): JSON bodies.
      'post /admin/v1/clients': ['application/json'],
      'put /admin/v1/clients/{clientId}/jwks': ['application/json'],
      'patch /admin/v1/clients/{clientId}': ['application/json'],
      'post /admin/v1/clients/prune': ['application/json'],
      'post /admin/v1/clients/{clientId}/secrets': ['application/json'],
      'post /admin/v1/outboxes/{outbox}/retry': ['application/json'],
      'post /admin/v1/sessions/revoke': ['application/json'],
      'post /admin/v1/users': ['application/json'],
      'patch /admin/v1/users/{username}': ['application/json'],
      'put /admin/v1/users/{username}/password': ['application/json'],
      'post /admin/v1/grants/revoke': ['application/json'],
      'post /admin/v1/keys/rotate': ['application/json'],
      'post /admin/v1/consents/revoke': ['application/json'],
      'post /admin/v1/accounts/{account}/methods': ['application/json'],
      // The Shared Signals stream management API (SSF 1.0 §8) and its poll endpoint (RFC 8936).
      'post /ssf/streams': ['application/json'],
      'patch /ssf/streams': ['application/json'],
      'put /ssf/streams': ['application/json'],
      'post /ssf/status': ['application/json'],
      'post /ssf/subjects/add': ['application/json'],
      'post /ssf/subjects/remove': ['application/json'],
      'post /ssf/verify': ['application/json'],
      'post /ssf/poll/{streamId}': ['application/json'],
    });
  });

  const NO_PRESENTATION_REQUEST = 'No such presentation request (unknown, expired or answered)';
  const NO_SUCH_REQUEST = 'No such presentation request (unknown, expired or already completed)';

  /** What Swagger UI's "Try it out" sends with every example filled in. */
  /**
   * Fields that choose another way than the examples' own: the examples authenticate the client
   * with its secret, so its private_key_jwt assertion is left out (both at once is refused); the
   * example registration is of a public client, which has no keys to verify request objects with;
   * the example authorization details are of a type this server has only when its operator
   * configures it (AUTHORIZATION_DETAILS_TYPES).
   */
  const ALTERNATIVES = [
    'client_assertion',
    'client_assertion_type',
    'request_object_signing_alg',
    'authorization_details',
    'authorization_details_types',
    // A CIBA client's (its grant type is not in the example): refused on any other.
    'backchannel_token_delivery_mode',
    'backchannel_client_notification_endpoint',
  ];

  function tryItOut(operation: string, { parameters = [], requestBody }: Operation) {
    const [method, template] = operation.split(' ');
    let path = template;
    const query = new URLSearchParams();
    for (const parameter of parameters) {
      if (ALTERNATIVES.includes(parameter.name)) continue;
      const value = String(exampleOf(parameter));
      if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, value);
      if (parameter.in === 'query') query.set(parameter.name, value);
    }
    const url = query.size > 0 ? `${path}?${query.toString()}` : path;
    const sent =
      method === 'post'
        ? t.http().post(url)
        : method === 'delete'
          ? t.http().delete(url)
          : method === 'patch'
            ? t.http().patch(url)
            : method === 'put'
              ? t.http().put(url)
              : t.http().get(url);
    const [type, media] = Object.entries(requestBody?.content ?? {})[0] ?? [];
    if (!media) return sent;
    const body = Object.fromEntries(
      Object.entries(component(media.schema).properties ?? {})
        .filter(([name]) => !ALTERNATIVES.includes(name))
        // A form carries no object: such a field is the JSON body's (a passkey's assertion, with
        // which the approvals page's script approves).
        .filter(([, p]) => type !== FORM || typeof p.example !== 'object')
        .map(([name, p]) => [name, p.example]),
    );
    return type === FORM ? sent.type('form').send(body) : sent.send(body);
  }

  it('answers "Try it out" with the examples as the protocol does, never as malformed', async () => {
    const error = (status: number, code: string, description: string) => (res: Response) => {
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error: code, error_description: description });
    };
    const expected: Record<string, (res: Response) => void> = {
      // Not logged in yet: on to the login page, the request kept for afterwards.
      'get /authorize': (res) => {
        expect(res.status).toBe(302);
        expect(res.headers.location).toMatch(/^\/login\?return_to=%2Fauthorize%3F/);
      },
      // The same request posted (OpenID Connect Core §3.1.2.1), without the session cookie: on
      // to a GET of the request, held for it, which a browser makes with its cookies.
      'post /authorize': (res) => {
        expect(res.status).toBe(303);
        expect(res.headers.location).toMatch(
          /^\/authorize\?client_id=demo-client&pg_request=[A-Za-z0-9_-]{43}$/,
        );
      },
      // The example code was never issued; everything before the code checks passed.
      'post /token': error(400, 'invalid_grant', 'Invalid authorization code'),
      // RFC 9126 §2.2: the example request is a valid one of the example client.
      'post /par': (res) => {
        expect(res.status).toBe(201);
        expect(res.body.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
      },
      'post /revoke': (res) => expect([res.status, res.body]).toEqual([200, {}]),
      'post /introspect': (res) => expect([res.status, res.body]).toEqual([200, { active: false }]),
      // The example token has the shape of one, not our signature.
      'post /userinfo': error(401, 'invalid_token', 'The access token is invalid'),
      'get /login': (res) => expect(res.status).toBe(200),
      // The page's CSRF cookie is not sent by a bare API call: the form again, with the reason.
      'post /login': (res) => {
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
      },
      'post /login/siwe': error(400, 'invalid_request', CSRF_FAILURES.missing_cookie),
      'post /logout': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      // The example hint is no ID token of this server's: refused before anything else.
      'get /end_session': error(400, 'invalid_request', INVALID_ID_TOKEN_HINT),
      'post /end_session': error(400, 'invalid_request', INVALID_ID_TOKEN_HINT),
      'post /end_session/confirm': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /consent': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /lab/run': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      // RFC 8628: the example client is a browser client, not registered for the device grant.
      'post /device_authorization': error(
        400,
        'unauthorized_client',
        'The client is not registered for the urn:ietf:params:oauth:grant-type:device_code grant type',
      ),
      // Not logged in yet: on to the login page, the prefilled code and the language asked in
      // (the example's `de en`: German) kept for afterwards.
      'get /device': (res) => {
        expect(res.status).toBe(302);
        expect(res.headers.location).toBe(
          '/login?return_to=%2Fdevice%3Fuser_code%3DWDJB-MJHT%26ui_locales%3Dde&ui_locales=de',
        );
      },
      'post /device': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      // CIBA: the example client is a browser client, not registered for the grant.
      'post /backchannel': error(
        400,
        'unauthorized_client',
        'The client is not registered for the urn:openid:params:grant-type:ciba grant type',
      ),
      'post /account/approvals/{id}/approve': error(
        400,
        'invalid_request',
        CSRF_REFUSALS.missing_cookie,
      ),
      'post /account/approvals/{id}/challenge': error(
        400,
        'invalid_request',
        CSRF_REFUSALS.missing_cookie,
      ),
      'post /account/approvals/{id}/deny': error(
        400,
        'invalid_request',
        CSRF_REFUSALS.missing_cookie,
      ),
      'post /wallet/nonce': (res) => {
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
          chainId: 1,
        });
      },
      // Message, domain, chain and signature all pass; the example nonce was never issued.
      'post /wallet/verify': error(
        401,
        'invalid_nonce',
        'The nonce was not issued by this service',
      ),
      // Open registration of the example public client: RFC 7591 §3.2.1's 201.
      'post /register': (res) => {
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          client_id: expect.stringMatching(/^dcr_/),
          redirect_uris: ['http://127.0.0.1:53682/callback'],
          token_endpoint_auth_method: 'none',
        });
      },
      // The account page's and the login page's passkey calls: the page's CSRF cookie first.
      'post /login/passkey': error(400, 'invalid_request', CSRF_FAILURES.missing_cookie),
      'post /account/passkeys/options': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /account/oid4vp/requests': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /account/passkeys': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /account/methods/remove': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /account/oid4vp/complete': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /account/password': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /account/sign-out-everywhere': error(
        400,
        'invalid_request',
        CSRF_REFUSALS.missing_cookie,
      ),
      'post /account/wallets': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /account/wallets/nonce': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /account/methods/wallet/nonce': error(
        401,
        'invalid_request',
        'A bearer access token is required',
      ),
      // No bearer token: nothing of the account is read, the wallet's nonce is not spent.
      'post /account/methods/wallet': error(
        401,
        'invalid_request',
        'A bearer access token is required',
      ),
      'post /account/methods/password': error(
        401,
        'invalid_request',
        'A bearer access token is required',
      ),
      // Email sign-in: the login page's CSRF cookie first, nothing mailed or spent without it.
      'post /login/email/start': error(400, 'invalid_request', CSRF_FAILURES.missing_cookie),
      'post /login/email/verify': error(400, 'invalid_request', CSRF_FAILURES.missing_cookie),
      'post /login/email/link': error(400, 'invalid_request', CSRF_FAILURES.missing_cookie),
      // The link's page signs nobody in: it only asks to confirm.
      'get /login/email/link': (res) => {
        expect(res.status).toBe(200);
        expect(res.text).toContain('id="email-link"');
      },
      'post /account/email/code': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /account/email': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      'post /account/methods/email/code': error(
        401,
        'invalid_request',
        'A bearer access token is required',
      ),
      'post /account/methods/email': error(
        401,
        'invalid_request',
        'A bearer access token is required',
      ),
      'delete /account/methods/{method}': error(
        401,
        'invalid_request',
        'A bearer access token is required',
      ),
      // A well-formed response; no bearer token (registration) or no such passkey (sign-in).
      'post /passkeys/registration/verify': error(
        401,
        'invalid_request',
        'A bearer access token is required',
      ),
      'post /passkeys/authentication/verify': error(
        401,
        'unknown_credential',
        'No account has this passkey',
      ),
      // No session: on to the login page and back, in the language asked in (German); the
      // reason is shown once signed in.
      'get /account': (res) => {
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe(
          '/login?return_to=%2Faccount%3Fui_locales%3Dde&ui_locales=de',
        );
      },
      // No session: on to the login page and back, in the language asked in (German).
      'get /account/approvals': (res) => {
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe(
          '/login?return_to=%2Faccount%2Fapprovals%3Fui_locales%3Dde&ui_locales=de',
        );
      },
      // The example provider is not configured here: the login page says so, never an error status.
      'get /login/upstream/{id}': (res) => {
        expect(res.status).toBe(303);
        expect(res.headers.location).toMatch(
          /^\/login\?(return_to=[^&]+&)?upstream_error=unknown_provider$/,
        );
      },
      'get /login/upstream/{id}/callback': (res) => {
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/login?upstream_error=unknown_provider');
      },
      'post /account/upstream/{id}': error(400, 'invalid_request', CSRF_REFUSALS.missing_cookie),
      // Identity wallets: the example is a script's request of demo-spa: its request by
      // reference, and the handle it polls with.
      'post /oid4vp/requests': (res) => {
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          authorization_request: expect.stringMatching(/^openid4vp:\/\/\?client_id=/),
          handle: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        });
      },
      // The example id was never issued: no status for a browser that started nothing, and no
      // request object; nothing is signed in.
      'get /oid4vp/requests/{id}': error(404, 'not_found', NO_SUCH_REQUEST),
      'get /oid4vp/requests/{id}/request': error(404, 'not_found', NO_PRESENTATION_REQUEST),
      'post /oid4vp/requests/{id}/request': error(404, 'not_found', NO_PRESENTATION_REQUEST),
      'get /oid4vp/complete': error(
        400,
        'invalid_request',
        'This browser started no identity wallet sign-in; the response_code is now spent',
      ),
      // The account page's link code was never issued: refused, nothing linked.
      'get /account/oid4vp/complete': error(
        400,
        'invalid_request',
        'Unknown, expired or used response_code',
      ),
      // The example answer mixes both modes' fields; the JWE of direct_post.jwt is read first.
      'post /oid4vp/response': error(400, 'invalid_request', 'response is not a JWE'),
      'get /challenge-models/series': (res) => {
        expect(res.status).toBe(200);
        expect(res.body.minutes).toBe(60);
        expect(res.body.models[0].points).toHaveLength(60);
      },
      'get /challenge-models/{id}': (res) => {
        expect(res.status).toBe(200);
        expect(res.body.id).toBe('pkce');
      },
    };
    // The admin API: "Try it out" sends no token, so every route answers RFC 6750's bare 401
    // before it reads anything of the request.
    // The Shared Signals API likewise: a receiver's token first (SSF 1.0 §8, OAuth 2.0).
    for (const [operation] of operations()) {
      if (operation.includes(' /admin/v1/') || operation.includes(' /ssf/')) {
        expected[operation] = (res) => {
          error(401, 'invalid_request', 'A bearer access token is required')(res);
          expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
        };
      }
    }
    const withInput = operations().filter(
      ([, operation]) => operation.requestBody || (operation.parameters ?? []).length > 0,
    );
    expect(withInput.map(([operation]) => operation).sort()).toEqual(Object.keys(expected).sort());
    for (const [operation, details] of withInput) {
      const res = await tryItOut(operation, details);
      try {
        expected[operation](res);
      } catch (failure) {
        throw new Error(
          `${operation}: ${res.status} ${res.text.slice(0, 300)}\n${String(failure)}`,
        );
      }
    }
  });

  it('documents the signed wallet message once: every body that takes one has the same fields', () => {
    const [first, ...others] = ['VerifyRequestDto', 'SiweSessionLoginDto', 'LinkWalletDto'].map(
      (body) => ({ body, schema: component({ $ref: `#/components/schemas/${body}` }) }),
    );
    const fields = ({ schema }: { schema: Schema }) => ({
      message: schema.properties?.message,
      signature: schema.properties?.signature,
      required: schema.required?.filter((name) => name === 'message' || name === 'signature'),
    });
    expect(fields(first)).toMatchObject({
      message: { type: 'string', example: expect.any(String) },
      signature: { type: 'string', example: expect.any(String) },
      required: ['message', 'signature'],
    });
    for (const other of others) {
      expect({ body: other.body, ...fields(other) }).toEqual({
        body: other.body,
        ...fields(first),
      });
    }
  });

  it('describes the wallet requests of every chain of the chain list, each in its own words', () => {
    type Described = Schema & { description?: string };
    const nonce = component({ $ref: '#/components/schemas/NonceRequestDto' }).properties as Record<
      string,
      Described
    >;
    const proof = component({ $ref: '#/components/schemas/VerifyRequestDto' }).properties as Record<
      string,
      Described
    >;
    for (const { syntax } of WALLET_CHAINS) {
      const { name, address, chainId, signature } = syntax.texts;
      expect(nonce.address.description).toContain(`${name}: ${address}`);
      expect(nonce.chainId.description).toContain(`${name}: ${chainId}`);
      expect(proof.signature.description).toContain(`${name}: ${signature}`);
    }
    expect(nonce.address.description).toContain('Bitcoin: ');
  });

  it("documents the login page's fields once: the SIWE and passkey logins from it have the same", () => {
    const [siwe, passkey] = ['SiweSessionLoginDto', 'PasskeySessionLoginDto'].map((body) => {
      const { properties, required } = component({ $ref: `#/components/schemas/${body}` });
      return {
        csrf_token: properties?.csrf_token,
        return_to: properties?.return_to,
        required: required?.filter((name) => name === 'csrf_token' || name === 'return_to'),
      };
    });
    expect(siwe).toMatchObject({
      csrf_token: { type: 'string', example: expect.any(String) },
      return_to: { type: 'string', example: expect.any(String) },
      required: ['csrf_token'],
    });
    expect(passkey).toEqual(siwe);
  });

  it('describes PKCE as S256 only and the token response fields', () => {
    const authorize = document.paths['/authorize'].get!;
    const method = authorize.parameters!.find(
      (p) => 'name' in p && p.name === 'code_challenge_method',
    ) as { schema: { enum: string[] } };
    expect(method.schema.enum).toEqual(['S256']);
    // RFC 8707: the example is the default resource, which "Try it out" may use; the parameter
    // may be repeated (§2), so it is a list, sent as `resource=…&resource=…`.
    const resource = authorize.parameters!.find((p) => 'name' in p && p.name === 'resource') as {
      example?: string[];
      schema: { type: string; items: { type: string }; example?: string[] };
    };
    expect(resource.schema).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(resource.example ?? resource.schema.example).toEqual([t.config.tokens.audience]);
    const token = document.paths['/token'].post!.responses['200'] as {
      content: Record<string, { schema: Schema }>;
    };
    const response = component(token.content['application/json'].schema);
    expect(Object.keys(response.properties!)).toEqual([
      'access_token',
      'token_type',
      'expires_in',
      'refresh_token',
      'scope',
      'id_token',
      'issued_token_type',
      'authorization_details',
    ]);
    expect(response.required).not.toContain('id_token');
  });

  it("lists the admin API's RFC 9728 metadata, and the challenge of its refusals that names it", () => {
    const metadata = document.paths['/.well-known/oauth-protected-resource/admin/v1'].get!;
    expect(metadata.tags).toEqual(['admin']);
    const answer = metadata.responses['200'] as { content: Record<string, { schema: Schema }> };
    expect(Object.keys(component(answer.content['application/json'].schema).properties!)).toEqual(
      expect.arrayContaining(['resource', 'authorization_servers', 'scopes_supported']),
    );
    for (const status of ['401', '403']) {
      const refusal = document.paths['/admin/v1/users'].get!.responses[status] as {
        headers?: Record<string, { description: string }>;
      };
      expect(refusal.headers?.['WWW-Authenticate'].description).toContain(
        'resource_metadata="<ISSUER>/.well-known/oauth-protected-resource/admin/v1"',
      );
    }
  });
});
