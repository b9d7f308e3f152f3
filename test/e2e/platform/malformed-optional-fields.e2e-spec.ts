/**
 * Every field a request body may leave out, sent with a value of the wrong kind: JSON `null`, an
 * array, a number, an object and a 10 kB string (a form: the field repeated, and the long string).
 * Each is answered with a 4xx in the one error envelope (a form page may answer with itself),
 * never a 5xx: a 500 is counted as `server_error`, the metric that pages on-call. The routes and
 * fields come from the OpenAPI document and the DTOs' rules (test/support/request-bodies.ts), and
 * each route is sent its example body by a browser signed in on the login page, with the page's
 * CSRF token and, where the route asks for one, an access token: the fields are read where the
 * route reads them, past its CSRF and authentication checks.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Response } from 'supertest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { CSRF_FAILURES } from '../../../src/login/login-csrf';
import { CSRF_HEADER, CSRF_REFUSALS } from '../../../src/platform/csrf/csrf-protection';
import { type Agent, DEMO_CLIENT, basic, tokensFor } from '../../support/oauth';
import { type DocumentedBody, documentedBodies, withField } from '../../support/request-bodies';
import { walletBrowser } from '../../support/wallet-login';
import { useTestApp } from '../../support/use-test-app';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** A string past every field's limit that still fits the 16 KiB body limit. */
const LONG = 'x'.repeat(10 * 1024);

const JSON_VALUES: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['an array', ['fuzz', 'fuzz']],
  ['a number', 12345],
  ['an object', { fuzz: 'fuzz' }],
  ['a 10 kB string', LONG],
];
/** What a form can carry besides one short value: the field twice, and a long value. */
const FORM_VALUES: ReadonlyArray<readonly [string, string[]]> = [
  ['repeated', ['fuzz', 'fuzz']],
  ['a 10 kB string', [LONG]],
];

const CSRF_TEXTS = new Set<string>([
  ...Object.values(CSRF_FAILURES),
  ...Object.values(CSRF_REFUSALS),
]);

/** A browser signed in on the login page with a fresh wallet, and its pages' CSRF token. */
interface Browser {
  agent: Agent;
  csrf: string;
  authorization?: string;
}

describe('optional body fields sent malformed are refused with a 4xx, never a 5xx', () => {
  let bodies: DocumentedBody[];

  const t = useTestApp({
    RATE_LIMIT_LOGIN_PER_IP: '10000',
    RATE_LIMIT_WALLET_PER_IP: '10000',
    RATE_LIMIT_WALLET_PER_ADDRESS: '10000',
    RATE_LIMIT_TOKEN_PER_IP: '10000',
    RATE_LIMIT_TOKEN_PER_CLIENT: '10000',
    RATE_LIMIT_AUTHORIZE_PER_IP: '10000',
    RATE_LIMIT_REGISTER_PER_IP: '10000',
    RATE_LIMIT_PASSKEY_PER_IP: '10000',
    ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '10000',
  });
  beforeAll(async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body as OpenAPIObject;
    bodies = documentedBodies(t.app, document);
  });

  async function signedInBrowser(): Promise<Browser> {
    const agent = await walletBrowser(t, privateKeyToAccount(generatePrivateKey()));
    const page = await agent.get('/account').expect(200);
    return { agent, csrf: /data-csrf-token="([^"]+)"/.exec(page.text)![1] };
  }

  /** `body` sent by `browser`, its CSRF token in the body (where it has the field) and header. */
  function send(
    browser: Browser,
    route: DocumentedBody,
    body: Record<string, unknown> | URLSearchParams,
  ): Promise<Response> {
    const req = browser.agent
      .post(route.path)
      .set(CSRF_HEADER, browser.csrf)
      .set('Content-Type', route.contentType);
    if (browser.authorization) req.set('Authorization', browser.authorization);
    return req.send(body instanceof URLSearchParams ? body.toString() : JSON.stringify(body));
  }

  function exampleOf(route: DocumentedBody, browser: Browser): Record<string, unknown> {
    return 'csrf_token' in route.example
      ? { ...route.example, csrf_token: browser.csrf }
      : route.example;
  }

  function onlyRequired(route: DocumentedBody, body: Record<string, unknown>) {
    return Object.fromEntries(
      Object.entries(body).filter(([name]) => route.required.includes(name)),
    );
  }

  /**
   * A new browser for `route`, with the credentials its example body needs: an access token of
   * the browser's account where a bearer route refuses it without one, the demo client's secret
   * where a client route does.
   */
  async function browserFor(route: DocumentedBody): Promise<Browser> {
    const browser = await signedInBrowser();
    const baseline = await send(browser, route, encoded(route, exampleOf(route, browser)));
    if (baseline.status !== 401) return browser;
    if (route.security.includes('bearer')) {
      const tokens = await tokensFor(t.app.getHttpServer(), browser.agent, {
        scope: 'openid account',
      });
      return { ...browser, authorization: `Bearer ${tokens.access_token}` };
    }
    if (route.security.includes('client_secret_basic')) {
      return { ...browser, authorization: basic(DEMO_CLIENT.id, DEMO_CLIENT.secret) };
    }
    return browser;
  }

  function encoded(
    route: DocumentedBody,
    body: Record<string, unknown>,
  ): Record<string, unknown> | URLSearchParams {
    if (route.contentType !== FORM) return body;
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(body)) {
      for (const one of Array.isArray(value) ? value : [value]) form.append(name, String(one));
    }
    return form;
  }

  /** What is wrong with `res` as the answer to a malformed field, if anything. */
  function fault(res: Response, route: DocumentedBody): string | undefined {
    if (res.status >= 500) return `${res.status} ${res.text.slice(0, 200)}`;
    if (res.status < 400) return undefined;
    const type = String(res.headers['content-type'] ?? '');
    if (type.startsWith(JSON_TYPE)) {
      const body = res.body as Record<string, unknown>;
      const envelope =
        Object.keys(body).sort().join() === 'error,error_description' &&
        typeof body.error === 'string' &&
        typeof body.error_description === 'string';
      return envelope ? undefined : `${res.status} not the error envelope: ${res.text}`;
    }
    // A form's page answers a mistake with itself (the login form, the consent page).
    if (route.contentType === FORM && type.startsWith('text/html')) return undefined;
    return `${res.status} ${type}: ${res.text.slice(0, 200)}`;
  }

  it('refuses null with 400 invalid_request naming the field, at any depth', async () => {
    const fields: ReadonlyArray<readonly [string, string]> = [
      ['/wallet/nonce', 'client_id'],
      ['/wallet/nonce', 'origin'],
      ['/wallet/verify', 'client_id'],
      ['/login/siwe', 'return_to'],
      ['/login/passkey', 'return_to'],
      ['/account/passkeys', 'response.response.transports'],
    ];
    const answers: unknown[] = [];
    for (const [path, field] of fields) {
      const route = bodies.find((body) => body.path === path && body.contentType === JSON_TYPE)!;
      const browser = await browserFor(route);
      const body = withField(exampleOf(route, browser), field.split('.'), null);
      const res = await send(browser, route, body);
      answers.push({ path, status: res.status, body: res.body as unknown });
    }
    expect(answers).toEqual(
      fields.map(([path, field]) => ({
        path,
        status: 400,
        body: {
          error: 'invalid_request',
          error_description: `${field} must not be null: leave it out instead`,
        },
      })),
    );
  });

  it('answers a JSON body that is not an object with a 4xx in the envelope', async () => {
    const faults: string[] = [];
    for (const route of bodies.filter((body) => body.contentType === JSON_TYPE)) {
      const browser = await browserFor(route);
      for (const text of ['null', '[{"fuzz":1}]', '12345', '"fuzz"']) {
        const req = browser.agent
          .post(route.path)
          .set('Content-Type', JSON_TYPE)
          .set(CSRF_HEADER, browser.csrf);
        if (browser.authorization) req.set('Authorization', browser.authorization);
        const wrong = fault(await req.send(text), route);
        if (wrong) faults.push(`${route.method} ${route.path} ${text}: ${wrong}`);
      }
    }
    expect(faults).toEqual([]);
  });

  const jsonRoutes = () => bodies.filter((route) => route.contentType === JSON_TYPE);
  const formRoutes = () => bodies.filter((route) => route.contentType === FORM);
  const fieldsOf = (routes: DocumentedBody[]) =>
    routes.flatMap((route) =>
      route.optionalFields.map((field) => `${route.method} ${route.path} ${field.join('.')}`),
    );

  it('finds the optional fields of every JSON body, nested ones too', () => {
    expect(fieldsOf(jsonRoutes())).toEqual(
      expect.arrayContaining([
        'post /wallet/nonce client_id',
        'post /wallet/nonce origin',
        'post /wallet/verify client_id',
        'post /login/siwe return_to',
        'post /login/passkey return_to',
        'post /passkeys/authentication/verify client_id',
        'post /register client_name',
        // Inside a passkey's RegistrationResponseJSON, documented as one object.
        'post /account/passkeys response.response.transports',
        'post /passkeys/registration/verify response.publicKeyAlgorithm',
      ]),
    );
    expect(fieldsOf(formRoutes())).toEqual(
      expect.arrayContaining(['post /token client_id', 'post /login return_to']),
    );
  });

  it('sends every route its example body past its CSRF check, where the fields are read', async () => {
    const refused: string[] = [];
    for (const route of bodies) {
      const browser = await browserFor(route);
      const res = await send(browser, route, encoded(route, exampleOf(route, browser)));
      const text = (res.body as { error_description?: string }).error_description ?? res.text;
      if ([...CSRF_TEXTS].some((refusal) => text.includes(refusal))) {
        refused.push(`${route.method} ${route.path}: ${text}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it.each([
    ['JSON', JSON_TYPE, JSON_VALUES],
    ['form', FORM, FORM_VALUES],
  ] as const)(
    'answers every malformed optional field of a %s body with a 4xx in the envelope',
    async (_kind, contentType, values) => {
      const faults: string[] = [];
      let sent = 0;
      for (const route of bodies.filter((body) => body.contentType === contentType)) {
        if (route.optionalFields.length === 0) continue;
        const browser = await browserFor(route);
        const example = exampleOf(route, browser);
        // With every other field (a client_id that names a client, then the origin is read), and
        // with the required ones only (the field alone decides the path taken).
        const bases = [example, onlyRequired(route, example)];
        for (const field of route.optionalFields) {
          for (const [label, value] of values) {
            for (const [index, base] of bases.entries()) {
              const res = await send(browser, route, encoded(route, withField(base, field, value)));
              sent += 1;
              const wrong = fault(res, route);
              const among = index === 0 ? 'with the other fields' : 'alone';
              if (wrong) {
                faults.push(
                  `${route.method} ${route.path} ${field.join('.')} ${label} ${among}: ${wrong}`,
                );
              }
            }
          }
        }
      }
      expect(sent).toBeGreaterThan(20);
      expect(faults).toEqual([]);
    },
    180_000,
  );
});
