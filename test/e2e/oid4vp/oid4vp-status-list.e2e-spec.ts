/**
 * The Token Status List a credential names (draft-ietf-oauth-status-list): fetched from the
 * issuer's server (a loopback server of this spec's, counting what it is asked), verified, and
 * kept while its ttl allows. Lists are made with @sd-jwt/jwt-status-list and signed with the
 * published demo issuer's key; credentials and presentations come from the independent holder
 * (@sd-jwt/sd-jwt-vc, @openid4vc/openid4vp). Every list a test needs is at a path of its own, so
 * what one test keeps never answers another.
 */
import { createServer, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../../support/loopback-server';
import { StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list';
import { SignJWT, importJWK } from 'jose';
import { type ListeningApp, startListeningApp } from '../../support/test-app';
import { loginPageRequest } from '../../support/identity-wallet-request';
import {
  DEMO_ISSUER,
  DEMO_ISSUER_PRIVATE_JWK,
  answer,
  issueCredential,
  newHolder,
} from '../../support/identity-wallet';

/** What the issuer's server answers at a path, and how often it was asked. */
interface Served {
  status: number;
  body: string;
  asked: number;
}

/** Entry 1 revoked, the others valid. */
const REVOKED = 1;
const VALID = 0;

describe('identity wallet status lists', () => {
  let listening: ListeningApp;
  let issuerServer: Server;
  let issuerBase: string;
  const served = new Map<string, Served>();

  beforeAll(async () => {
    issuerServer = createServer((req, res) => {
      const answer = served.get(req.url ?? '');
      if (answer === undefined) {
        res.statusCode = 404;
        res.end();
        return;
      }
      answer.asked++;
      res.statusCode = answer.status;
      res.setHeader('content-type', 'application/statuslist+jwt');
      res.end(answer.body);
    });
    issuerBase = await listenOnLoopback(issuerServer);
    listening = await startListeningApp(
      { RATE_LIMIT_OID4VP_PER_IP: '10000', ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000' },
      'localhost',
    );
  });
  afterAll(async () => {
    await listening.t.close();
    await closeServer(issuerServer);
  });

  const now = () => listening.t.clock.nowSeconds();

  /** A Status List Token for `path`, signed by the demo issuer; `claims`/`header` change it. */
  async function statusListToken(
    path: string,
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
  ): Promise<string> {
    const made = createHeaderAndPayload(
      new StatusList([0, 1, 0, 0, 0, 0, 0, 0], 1),
      { iss: DEMO_ISSUER, sub: `${issuerBase}${path}`, iat: now() },
      { alg: 'ES256', typ: 'statuslist+jwt', kid: DEMO_ISSUER_PRIVATE_JWK.kid },
    );
    return new SignJWT({ ...made.payload, ...claims })
      .setProtectedHeader({ ...made.header, alg: 'ES256', ...header })
      .sign(await importJWK(DEMO_ISSUER_PRIVATE_JWK, 'ES256'));
  }

  /** Serves `body` at `path` (200 unless said), counting from 0. */
  function serve(path: string, body: string, status = 200): Served {
    const answer = { status, body, asked: 0 };
    served.set(path, answer);
    return answer;
  }

  /** A wallet answering a fresh login-page request with a credential at `idx` of `path`'s list. */
  async function presentWithStatus(path: string, idx: number) {
    const { authorizationRequest } = await loginPageRequest(listening.t.app.getHttpServer());
    const holder = await newHolder();
    const credential = await issueCredential({
      holder,
      status: { idx, uri: `${issuerBase}${path}` },
    });
    const answered = await answer(authorizationRequest, holder, credential);
    return { status: answered.status, body: answered.body };
  }

  const REFUSED_REVOKED = {
    status: 400,
    body: {
      error: 'invalid_presentation',
      error_description:
        'The presentation was refused: revoked: the credential’s status list entry says it is not valid, or the list could not be checked',
    },
  };

  it('refuses a credential its list says is revoked, and signs in one it says is valid', async () => {
    const list = serve('/lists/revocation', await statusListToken('/lists/revocation'));
    expect(await presentWithStatus('/lists/revocation', REVOKED)).toEqual(REFUSED_REVOKED);
    expect((await presentWithStatus('/lists/revocation', VALID)).status).toBe(200);
    expect(list.asked).toBe(1);
  });

  it.each([
    ['whose sub names another list', { sub: 'https://issuer.example/lists/other' }, {}],
    ['that is expired (exp)', { exp: Math.floor(Date.now() / 1000) - 1 }, {}],
    ['whose typ is not statuslist+jwt', {}, { typ: 'JWT' }],
    ['without iat', { iat: undefined }, {}],
  ])(
    'refuses a valid entry of a list %s, and fetches it again next time',
    async (name, claims, header) => {
      const path = `/lists/${name.replace(/\W+/g, '-')}`;
      const list = serve(path, await statusListToken(path, claims, header));
      expect(await presentWithStatus(path, VALID)).toEqual(REFUSED_REVOKED);
      expect(await presentWithStatus(path, VALID)).toEqual(REFUSED_REVOKED);
      expect(list.asked).toBe(2);
    },
  );

  it('refuses a list larger than 1 MiB unread', async () => {
    const token = await statusListToken('/lists/large');
    serve('/lists/large', token.padEnd(1024 * 1024 + 1, ' '));
    expect(await presentWithStatus('/lists/large', VALID)).toEqual(REFUSED_REVOKED);
    // The same token within the limit (whitespace around it is no part of it) is good.
    serve('/lists/large', token.padEnd(1024 * 1024, ' '));
    expect((await presentWithStatus('/lists/large', VALID)).status).toBe(200);
  });

  it('refuses while the list cannot be fetched, and keeps no failure', async () => {
    const path = '/lists/unavailable';
    const down = serve(path, '', 503);
    expect(await presentWithStatus(path, VALID)).toEqual(REFUSED_REVOKED);
    expect(down.asked).toBe(1);
    const up = serve(path, await statusListToken(path));
    expect((await presentWithStatus(path, VALID)).status).toBe(200);
    expect(up.asked).toBe(1);
  });

  it('fetches a list once for the presentations within its ttl, and again after it', async () => {
    const path = '/lists/ttl';
    const list = serve(path, await statusListToken(path, { ttl: 60 }));
    // Checked to the second: the real time the presentations take must not eat the margin (a
    // whole run on a loaded machine fetched it again a second early).
    listening.t.clock.freeze();
    try {
      expect((await presentWithStatus(path, VALID)).status).toBe(200);
      expect(await presentWithStatus(path, REVOKED)).toEqual(REFUSED_REVOKED);
      expect(list.asked).toBe(1);
      listening.t.clock.advance(59);
      expect((await presentWithStatus(path, VALID)).status).toBe(200);
      expect(list.asked).toBe(1);
      listening.t.clock.advance(1);
      expect((await presentWithStatus(path, VALID)).status).toBe(200);
      expect(list.asked).toBe(2);
    } finally {
      listening.t.clock.thaw();
    }
  });

  it('fetches a list once for presentations that need it at the same time', async () => {
    const path = '/lists/concurrent';
    const list = serve(path, await statusListToken(path, { ttl: 60 }));
    const answers = await Promise.all([0, 2, 3, 4].map((idx) => presentWithStatus(path, idx)));
    expect(answers.map((answered) => answered.status)).toEqual([200, 200, 200, 200]);
    expect(list.asked).toBe(1);
  });
});
