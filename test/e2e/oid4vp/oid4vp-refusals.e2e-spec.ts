/**
 * Every refusal at the response URI, each with its own test: a presentation the holder library
 * builds (@sd-jwt/sd-jwt-vc) and then spoils one thing of, posted by @openid4vc/openid4vp. A
 * refused post does not spend the state (the right presentation still signs in after it); a
 * verified one does, and a second post of it is refused with the first sign-in unaffected (of
 * concurrent posts, exactly one signs in); a response_code presented by another browser is
 * refused and spent, and signs that browser in to nothing. An encrypted answer (direct_post.jwt)
 * built with jose to another key, with another `alg` or `enc`, or naming another or no `kid`, is
 * refused and leaves its request pending.
 */
import { createServer, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from '../../support/loopback-server';
import request from 'supertest';
import { ES256 } from '@sd-jwt/crypto-nodejs';
import { StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list';
import {
  type CompactJWEHeaderParameters,
  CompactEncrypt,
  CompactSign,
  SignJWT,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { type ListeningApp, startListeningApp } from '../../support/test-app';
import { loginPageRequest } from '../../support/identity-wallet-request';
import {
  DEMO_ISSUER,
  DEMO_ISSUER_PRIVATE_JWK,
  type Holder,
  type ResolvedRequest,
  issueCredential,
  newHolder,
  present,
  resolveRequest,
  submit,
} from '../../support/identity-wallet';

/** A second issuer, trusted through a JWK Set served on loopback (jwks_uri), with a status list. */
const OTHER_ISSUER = 'https://other-issuer.example';

describe('identity wallet refusals at the response URI', () => {
  let listening: ListeningApp;
  let issuerServer: Server;
  let issuerBase: string;
  let otherIssuerJwk: JWK;
  let statusListJwt = '';

  beforeAll(async () => {
    const keys = await ES256.generateKeyPair();
    otherIssuerJwk = { ...(keys.privateKey as JWK), kid: 'other-1' };
    const publicJwk = { ...(keys.publicKey as JWK), kid: 'other-1', alg: 'ES256' };
    issuerServer = createServer((req, res) => {
      if (req.url === '/jwks') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [publicJwk] }));
      } else if (req.url === '/status') {
        res.setHeader('content-type', 'application/statuslist+jwt');
        res.end(statusListJwt);
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    issuerBase = await listenOnLoopback(issuerServer);
    // Index 1 revoked (status 1), index 0 valid.
    const list = new StatusList([0, 1, 0, 0, 0, 0, 0, 0], 1);
    const { header, payload } = createHeaderAndPayload(
      list,
      { iss: OTHER_ISSUER, sub: `${issuerBase}/status`, iat: Math.floor(Date.now() / 1000) },
      { alg: 'ES256', kid: 'other-1', typ: 'statuslist+jwt' },
    );
    statusListJwt = await new SignJWT(payload)
      .setProtectedHeader({ ...header, alg: 'ES256' })
      .sign(await importJWK(otherIssuerJwk, 'ES256'));
    listening = await startListeningApp(
      {
        RATE_LIMIT_OID4VP_PER_IP: '10000',
        ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000',
        OID4VP_TRUSTED_ISSUERS: JSON.stringify([
          {
            issuer: DEMO_ISSUER,
            jwks: { keys: [{ ...DEMO_ISSUER_PRIVATE_JWK, d: undefined, alg: 'ES256' }] },
            vct: ['urn:eudi:pid:1'],
          },
          { issuer: OTHER_ISSUER, jwks_uri: `${issuerBase}/jwks`, vct: ['urn:eudi:pid:1'] },
        ]),
      },
      'localhost',
    );
  });
  afterAll(async () => {
    await listening.t.close();
    await closeServer(issuerServer);
  });

  /** A login page's request in a browser of its own. */
  async function started(responseMode = 'direct_post') {
    const { agent, id, authorizationRequest } = await loginPageRequest(
      listening.t.app.getHttpServer(),
      { response_mode: responseMode },
    );
    return { agent, id, wallet: await resolveRequest(authorizationRequest) };
  }

  async function presentTo(
    wallet: ResolvedRequest,
    holder: Holder,
    credential: string,
    kb: { aud?: string; nonce?: string; iat?: number } = {},
  ) {
    return present(holder, credential, wallet.asked, {
      aud: kb.aud ?? wallet.payload.client_id,
      nonce: kb.nonce ?? wallet.payload.nonce,
      ...(kb.iat === undefined ? {} : { iat: kb.iat }),
    });
  }

  const post = (wallet: ResolvedRequest, presentation: string) =>
    submit(wallet, { pid: [presentation] });

  /** Expects the named refusal, then that the same request still signs in (state not spent). */
  async function refusedThenSignsIn(
    spoil: (wallet: ResolvedRequest, holder: Holder) => Promise<string>,
    check: string,
  ) {
    const { agent, wallet } = await started();
    const holder = await newHolder();
    const refused = await post(wallet, await spoil(wallet, holder));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_presentation');
    expect(refused.body.error_description).toContain(check);
    const good = await post(
      wallet,
      await presentTo(wallet, holder, await issueCredential({ holder })),
    );
    expect(good.status).toBe(200);
    const back = new URL(good.body.redirect_uri as string);
    await agent.get(back.pathname + back.search).expect(303);
  }

  it('refuses an issuer not in the trust list (issuer not trusted)', async () => {
    await refusedThenSignsIn(async (wallet, holder) => {
      const credential = await issueCredential({ holder, iss: 'https://unknown.example' });
      return presentTo(wallet, holder, credential);
    }, 'issuer not trusted');
  });

  it('refuses a credential signed by another key than the issuer’s (signature)', async () => {
    await refusedThenSignsIn(async (wallet, holder) => {
      const credential = await issueCredential({ holder, issuerJwk: otherIssuerJwk });
      return presentTo(wallet, holder, credential);
    }, 'signature');
  });

  it('refuses an expired credential (expired)', async () => {
    await refusedThenSignsIn(async (wallet, holder) => {
      const credential = await issueCredential({ holder, exp: Math.floor(Date.now() / 1000) - 10 });
      return presentTo(wallet, holder, credential);
    }, 'expired');
  });

  it('refuses a credential its status list says is revoked, and accepts a valid entry (jwks_uri)', async () => {
    await refusedThenSignsIn(async (wallet, holder) => {
      const credential = await issueCredential({
        holder,
        iss: OTHER_ISSUER,
        issuerJwk: otherIssuerJwk,
        status: { idx: 1, uri: `${issuerBase}/status` },
      });
      return presentTo(wallet, holder, credential);
    }, 'revoked');
    const { wallet } = await started();
    const holder = await newHolder();
    const valid = await issueCredential({
      holder,
      iss: OTHER_ISSUER,
      issuerJwk: otherIssuerJwk,
      status: { idx: 0, uri: `${issuerBase}/status` },
    });
    expect((await post(wallet, await presentTo(wallet, holder, valid))).status).toBe(200);
  });

  it('refuses a tampered disclosure instead of dropping it (disclosure)', async () => {
    await refusedThenSignsIn(async (wallet, holder) => {
      const presented = await presentTo(wallet, holder, await issueCredential({ holder }));
      const parts = presented.split('~');
      // A disclosure of the same claim with another value: its digest was never signed.
      const forged = Buffer.from(JSON.stringify(['salt-forged', 'given_name', 'Mallory'])).toString(
        'base64url',
      );
      parts[1] = forged;
      return parts.join('~');
    }, 'disclosure');
  });

  it('refuses a key-binding JWT signed by another key than cnf.jwk (key binding)', async () => {
    await refusedThenSignsIn(async (wallet, holder) => {
      const credential = await issueCredential({ holder });
      return presentTo(wallet, await newHolder(), credential);
    }, 'key binding');
  });

  it('refuses another nonce (nonce)', async () => {
    await refusedThenSignsIn(
      async (wallet, holder) =>
        presentTo(wallet, holder, await issueCredential({ holder }), { nonce: 'another-nonce' }),
      'nonce',
    );
  });

  it('refuses an aud without the client identifier prefix (audience)', async () => {
    await refusedThenSignsIn(async (wallet, holder) => {
      const bare = wallet.payload.client_id.slice(wallet.payload.client_id.indexOf(':') + 1);
      return presentTo(wallet, holder, await issueCredential({ holder }), { aud: bare });
    }, 'audience');
  });

  it('refuses a key-binding JWT made long ago (iat)', async () => {
    await refusedThenSignsIn(
      async (wallet, holder) =>
        presentTo(wallet, holder, await issueCredential({ holder }), {
          iat: Math.floor(Date.now() / 1000) - 3600,
        }),
      'iat',
    );
  });

  it('refuses a key-binding JWT over another presentation (sd_hash)', async () => {
    await refusedThenSignsIn(async (wallet, holder) => {
      const credential = await issueCredential({ holder });
      const presented = await presentTo(wallet, holder, credential);
      // Drop one disclosure after the key-binding JWT was made over all of them.
      const parts = presented.split('~');
      parts.splice(1, 1);
      return parts.join('~');
    }, 'sd_hash');
  });

  it('answers 400 invalid_request to a malformed answer, never a 5xx', async () => {
    const { wallet } = await started();
    const http = () =>
      request(listening.t.app.getHttpServer()).post('/oid4vp/response').type('form');
    const state = wallet.payload.state!;
    for (const body of [
      {},
      { state },
      { state, vp_token: 'not json' },
      { state, vp_token: '{"pid":["not-an-sd-jwt"]}' },
      { state, vp_token: '{"other":["x~"]}' },
      { state: 'unknown', vp_token: '{"pid":["x~"]}' },
      { response: 'garbage' },
    ]) {
      const res = await http().send(body);
      expect([res.status, res.body.error]).toEqual([400, 'invalid_request']);
    }
  });

  /** `part` of a JWS (base64url JSON) with `text` put before its first member. */
  const withFirst = (part: string, text: string) =>
    Buffer.from(Buffer.from(part, 'base64url').toString('utf8').replace('{', `{${text},`)).toString(
      'base64url',
    );

  /** A JWS's header and payload, the payload given `text` as its first member, signed again. */
  async function resigned(jws: string, text: string, privateJwk: JWK): Promise<string> {
    const [header, payload] = jws.split('.');
    const claims = Buffer.from(withFirst(payload, text), 'base64url');
    const protectedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as {
      alg: string;
    };
    return new CompactSign(claims)
      .setProtectedHeader(protectedHeader)
      .sign(await importJWK(privateJwk, 'ES256'));
  }

  it.each<[string, (presented: string, holder: Holder) => Promise<string>, string]>([
    [
      'its credential, signed by its issuer',
      async (presented) => {
        const [credential, ...rest] = presented.split('~');
        const twice = await resigned(credential, '"vct":"urn:other:1"', DEMO_ISSUER_PRIVATE_JWK);
        return [twice, ...rest].join('~');
      },
      'The credential names member "vct" twice',
    ],
    [
      'a disclosure',
      (presented) => {
        const parts = presented.split('~');
        parts[1] = Buffer.from('["salt","address",{"locality":"A","locality":"B"}]').toString(
          'base64url',
        );
        return Promise.resolve(parts.join('~'));
      },
      'A disclosure names member "locality" twice',
    ],
    [
      'its key-binding JWT, signed by the holder',
      async (presented, holder) => {
        const cut = presented.lastIndexOf('~') + 1;
        const kb = await resigned(presented.slice(cut), '"nonce":"another"', holder.privateJwk);
        return presented.slice(0, cut) + kb;
      },
      'The key-binding JWT names member "nonce" twice',
    ],
  ])(
    'refuses a presentation that names a member twice in %s (invalid_request), and leaves the request pending',
    async (_where, spoil, description) => {
      const { agent, wallet } = await started();
      const holder = await newHolder();
      const presented = await presentTo(wallet, holder, await issueCredential({ holder }));
      const refused = await post(wallet, await spoil(presented, holder));
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 400,
        body: { error: 'invalid_request', error_description: description },
      });
      const good = await post(wallet, presented);
      expect(good.status).toBe(200);
      const back = new URL(good.body.redirect_uri as string);
      await agent.get(back.pathname + back.search).expect(303);
    },
  );

  it('refuses a vp_token form field that names a query id twice: a wallet may have meant the first', async () => {
    const { agent, wallet } = await started();
    const holder = await newHolder();
    const presented = await presentTo(wallet, holder, await issueCredential({ holder }));
    const http = () =>
      request(listening.t.app.getHttpServer()).post('/oid4vp/response').type('form');
    const state = wallet.payload.state!;
    const refused = await http().send({
      state,
      vp_token: `{"pid":["x~"],"pid":${JSON.stringify([presented])}}`,
    });
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'vp_token names member "pid" twice' },
    });
    const good = await http().send({ state, vp_token: JSON.stringify({ pid: [presented] }) });
    expect(good.status).toBe(200);
    const back = new URL(good.body.redirect_uri as string);
    await agent.get(back.pathname + back.search).expect(303);
  });

  it('spends the state with a verified answer: a second post is refused, the first sign-in stands', async () => {
    const { agent, wallet } = await started();
    const holder = await newHolder();
    const presentation = await presentTo(wallet, holder, await issueCredential({ holder }));
    const first = await post(wallet, presentation);
    expect(first.status).toBe(200);
    const second = await post(wallet, presentation);
    expect([second.status, second.body.error]).toEqual([400, 'invalid_request']);
    const back = new URL(first.body.redirect_uri as string);
    await agent.get(back.pathname + back.search).expect(303);
    const page = await agent.get('/login').expect(200);
    expect(page.text).toMatch(/Signed in as/);
  });

  it('signs in one of several concurrent posts of one verified answer and refuses the others', async () => {
    const { agent, wallet } = await started();
    const holder = await newHolder();
    const presentation = await presentTo(wallet, holder, await issueCredential({ holder }));
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(wallet, presentation)));
    const won = answers.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    expect(
      answers.filter((answer) => answer.status !== 200).map((answer) => answer.body.error),
    ).toEqual(Array(7).fill('invalid_request'));
    const back = new URL(won[0].body.redirect_uri as string);
    await agent.get(back.pathname + back.search).expect(303);
    expect((await agent.get('/login').expect(200)).text).toMatch(/Signed in as/);
  });

  /** A same-device request the wallet answered: the browser that started it, and where it goes back. */
  async function answeredSameDevice() {
    const { agent, wallet } = await started();
    const holder = await newHolder();
    const answered = await post(
      wallet,
      await presentTo(wallet, holder, await issueCredential({ holder })),
    );
    const redirect = new URL(answered.body.redirect_uri as string);
    return { agent, back: redirect.pathname + redirect.search };
  }

  const signedIn = async (browser: ReturnType<typeof request.agent>) =>
    /Signed in as/.test((await browser.get('/login').expect(200)).text);

  it('refuses a response_code presented by another browser, and spends it', async () => {
    const { agent, back } = await answeredSameDevice();
    const other = request.agent(listening.t.app.getHttpServer());
    await other.get('/login').expect(200);
    const stolen = await other.get(back).expect(400);
    expect(stolen.body.error).toBe('invalid_request');
    expect(stolen.body.error_description).toContain('another browser');
    const late = await agent.get(back).expect(400);
    expect(late.body.error).toBe('invalid_request');
  });

  it('signs nobody in with a response_code redeemed in another browser that started a sign-in of its own', async () => {
    const { agent, back } = await answeredSameDevice();
    // The thief's browser has a pre-login session and a live request of its own.
    const thief = await started();
    const stolen = await thief.agent.get(back).expect(400);
    expect(stolen.body).toEqual({
      error: 'invalid_request',
      error_description: 'This response_code belongs to another browser; it is now spent',
    });
    expect(await signedIn(thief.agent)).toBe(false);
    expect((await thief.agent.get(`/oid4vp/requests/${thief.id}`).expect(200)).body).toEqual({
      status: 'pending',
    });
    // Spent for its own browser too: nobody signs in with it.
    expect((await agent.get(back).expect(400)).body.error_description).toBe(
      'Unknown, expired or used response_code',
    );
    expect(await signedIn(agent)).toBe(false);
    // The thief's own request is untouched: its own wallet's answer signs its own browser in.
    const holder = await newHolder();
    const own = await post(
      thief.wallet,
      await presentTo(thief.wallet, holder, await issueCredential({ holder })),
    );
    const ownBack = new URL(own.body.redirect_uri as string);
    await thief.agent.get(ownBack.pathname + ownBack.search).expect(303);
    expect(await signedIn(thief.agent)).toBe(true);
  });

  it('refuses a response_code presented by a client with no cookie at all, and spends it', async () => {
    const { agent, back } = await answeredSameDevice();
    const stolen = await request(listening.t.app.getHttpServer()).get(back).expect(400);
    expect(stolen.body).toEqual({
      error: 'invalid_request',
      error_description:
        'This browser started no identity wallet sign-in; the response_code is now spent',
    });
    const late = await agent.get(back).expect(400);
    expect(late.body.error_description).toBe('Unknown, expired or used response_code');
    expect((await agent.get('/login').expect(200)).text).not.toMatch(/Signed in as/);
  });

  /** A direct_post.jwt request: its browser, id and wallet's view, and the key to encrypt to. */
  async function startedEncrypted() {
    const begun = await started('direct_post.jwt');
    const metadata = begun.wallet.payload.client_metadata as { jwks: { keys: JWK[] } };
    const [jwk] = metadata.jwks.keys;
    return { ...begun, jwk, key: await importJWK(jwk, 'ECDH-ES') };
  }

  type Encrypted = Awaited<ReturnType<typeof startedEncrypted>>;
  type EncryptionKey = Parameters<CompactEncrypt['encrypt']>[0];

  /**
   * A wallet's encrypted answer, built by hand: `fields` (or JSON text as it is) as a JWE with
   * `header`, to `key`.
   */
  async function postEncrypted(
    fields: object | string,
    header: CompactJWEHeaderParameters,
    key: EncryptionKey,
  ) {
    const text = typeof fields === 'string' ? fields : JSON.stringify(fields);
    const jwe = await new CompactEncrypt(new TextEncoder().encode(text))
      .setProtectedHeader(header)
      .encrypt(key);
    return request(listening.t.app.getHttpServer())
      .post('/oid4vp/response')
      .type('form')
      .send({ response: jwe });
  }

  /** A right presentation for `request`, as the vp_token of an encrypted answer. */
  async function answerFor(request: Encrypted) {
    const holder = await newHolder();
    const presentation = await presentTo(request.wallet, holder, await issueCredential({ holder }));
    return { vp_token: { pid: [presentation] } };
  }

  const rightHeader = (request: Encrypted): CompactJWEHeaderParameters => ({
    alg: 'ECDH-ES',
    enc: 'A128GCM',
    kid: request.jwk.kid,
  });

  it('takes an answer encrypted by hand as a wallet encrypts it (ECDH-ES, A128GCM, the request’s kid)', async () => {
    const begun = await startedEncrypted();
    const answered = await postEncrypted(await answerFor(begun), rightHeader(begun), begun.key);
    expect(answered.status).toBe(200);
    const back = new URL(answered.body.redirect_uri as string);
    await begun.agent.get(back.pathname + back.search).expect(303);
    expect(await signedIn(begun.agent)).toBe(true);
  });

  it('refuses an encrypted answer that names a member twice (invalid_request), and leaves the request pending', async () => {
    const begun = await startedEncrypted();
    const answer = await answerFor(begun);
    const twice = JSON.stringify(answer).replace('{', '{"vp_token":{"pid":["x~"]},');
    const refused = await postEncrypted(twice, rightHeader(begun), begun.key);
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: 'The encrypted response names member "vp_token" twice',
      },
    });
    expect((await begun.agent.get(`/oid4vp/requests/${begun.id}`).expect(200)).body).toEqual({
      status: 'pending',
    });
    const answered = await postEncrypted(answer, rightHeader(begun), begun.key);
    expect(answered.status).toBe(200);
  });

  /** A refusal's `error` and `error_description`. */
  type Refusal = readonly [string, string];
  const UNDECRYPTABLE: Refusal = [
    'invalid_request',
    'The response could not be decrypted with this request’s key',
  ];
  const NO_SUCH_KID: Refusal = [
    'invalid_request',
    'The response names no live direct_post.jwt request (kid)',
  ];
  const OTHER_NONCE: Refusal = [
    'invalid_presentation',
    'The presentation was refused: nonce: the key-binding JWT does not carry this request’s nonce',
  ];

  /** How an answer is spoiled: the JWE header it is sent with, and the key it is encrypted to. */
  type Spoiled = [CompactJWEHeaderParameters, EncryptionKey];

  it.each<[string, (request: Encrypted) => Spoiled | Promise<Spoiled>, Refusal]>([
    [
      'encrypted to another key',
      async (r) => [rightHeader(r), (await generateKeyPair('ECDH-ES', { crv: 'P-256' })).publicKey],
      UNDECRYPTABLE,
    ],
    [
      'with alg ECDH-ES+A128KW',
      (r) => [{ ...rightHeader(r), alg: 'ECDH-ES+A128KW' }, r.key],
      UNDECRYPTABLE,
    ],
    [
      'with alg RSA-OAEP-256 (to an RSA key of its own)',
      async (r) => [
        { ...rightHeader(r), alg: 'RSA-OAEP-256' },
        (await generateKeyPair('RSA-OAEP-256')).publicKey,
      ],
      UNDECRYPTABLE,
    ],
    ['with enc A192GCM', (r) => [{ ...rightHeader(r), enc: 'A192GCM' }, r.key], UNDECRYPTABLE],
    [
      'with enc A128CBC-HS256',
      (r) => [{ ...rightHeader(r), enc: 'A128CBC-HS256' }, r.key],
      UNDECRYPTABLE,
    ],
    [
      'naming another live direct_post.jwt request’s kid',
      async (r) => [{ ...rightHeader(r), kid: (await startedEncrypted()).jwk.kid }, r.key],
      UNDECRYPTABLE,
    ],
    [
      'to another live request’s key, under its kid (this request’s presentation)',
      async () => {
        const other = await startedEncrypted();
        return [rightHeader(other), other.key];
      },
      OTHER_NONCE,
    ],
    [
      'naming a direct_post (unencrypted) request’s state as kid',
      async (r) => [{ ...rightHeader(r), kid: (await started()).wallet.payload.state }, r.key],
      NO_SUCH_KID,
    ],
    [
      'naming an unknown kid',
      (r) => [{ ...rightHeader(r), kid: 'x'.repeat(43) }, r.key],
      NO_SUCH_KID,
    ],
    ['naming no kid', (r) => [{ alg: 'ECDH-ES', enc: 'A128GCM' }, r.key], NO_SUCH_KID],
  ])(
    'refuses an encrypted answer %s with 400, and leaves the request pending',
    async (_what, spoil, [error, description]) => {
      const begun = await startedEncrypted();
      const answer = await answerFor(begun);
      const [header, key] = await spoil(begun);
      const refused = await postEncrypted(answer, header, key);
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 400,
        body: { error, error_description: description },
      });
      expect((await begun.agent.get(`/oid4vp/requests/${begun.id}`).expect(200)).body).toEqual({
        status: 'pending',
      });
      // The same answer, encrypted as the request asked, still signs its browser in.
      const answered = await postEncrypted(answer, rightHeader(begun), begun.key);
      expect(answered.status).toBe(200);
      const back = new URL(answered.body.redirect_uri as string);
      await begun.agent.get(back.pathname + back.search).expect(303);
      expect(await signedIn(begun.agent)).toBe(true);
    },
  );
});
