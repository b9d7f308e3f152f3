/**
 * The OpenID Foundation's `oid4vp-1final-verifier-test-plan`, module by module, in the variant
 * docs/CONFORMANCE.md names (SD-JWT VC, `x509_hash`, `request_uri_signed`, `direct_post.jwt`):
 * what each module's wallet does to the verifier, done here by an independent holder, and what the
 * module then requires. The plan's wallet first checks the verifier's request (the request object's
 * header, claims and signature, the client identifier against the certificate's hash, the
 * response encryption key, the nonce); a positive module then expects its answer accepted (200,
 * JSON), a negative one refused (4xx). Each test is named after its module.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { ES256 } from '@sd-jwt/crypto-nodejs';
import {
  SignJWT,
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  importX509,
  type JWK,
} from 'jose';
import { loginPageRequest } from '../../support/identity-wallet-request';
import { useListeningApp } from '../../support/use-test-app';
import {
  type Holder,
  type ResolvedRequest,
  issueCredential,
  newHolder,
  present,
  resolveRequest,
  submit,
} from '../../support/identity-wallet';

const YEAR = 365 * 24 * 3600;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The JWS algorithms the plan's wallet knows (its `JWSUtil`): vp_formats_supported may name only these. */
const JWS_ALGORITHMS = new Set([
  ...['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  ...['ES256', 'ES256K', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'Ed448'],
]);

/** Parameters the plan's wallet fails a request object for carrying (OpenID4VP 1.0 §5, §8.2). */
const FORBIDDEN_CLAIMS = [
  'scope',
  'client_id_scheme',
  'redirect_uri',
  'presentation_definition',
  'transaction_data',
  'request',
  'request_uri',
];

describe('oid4vp-1final-verifier-test-plan (SD-JWT VC, x509_hash, request_uri_signed, direct_post.jwt)', () => {
  const t = useListeningApp(
    { RATE_LIMIT_OID4VP_PER_IP: '10000', ACCOUNT_CREATIONS_PER_IP_PER_HOUR: '1000' },
    'localhost',
  );

  /** A login page's request in the variant's modes, as a person starts it in a browser. */
  async function started() {
    const { agent, authorizationRequest, requestUri } = await loginPageRequest(
      t.app.getHttpServer(),
      { response_mode: 'direct_post.jwt', client_id_prefix: 'x509_hash' },
    );
    return { agent, link: new URL(authorizationRequest), requestUri };
  }

  /** The request object the wallet fetches, its header and claims, checked as the plan's wallet checks them. */
  async function checkedRequestObject(requestUri: string, init?: RequestInit) {
    const response = await fetch(requestUri, init);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/oauth-authz-req\+jwt/);
    const jwt = await response.text();
    const header = decodeProtectedHeader(jwt);
    // OID4VP 1.0 §5 (ValidateRequestObjectTypIsOAuthQauthReqJwt); §5.9.3: signed, certificate in x5c.
    expect(header.typ).toBe('oauth-authz-req+jwt');
    expect(header.alg).toBe('ES256');
    expect(header.x5c).toHaveLength(1);
    const der = Buffer.from(header.x5c![0], 'base64');
    // ValidateRequestObjectSignatureAgainstX5cHeader (HAIP): the leaf is not self-signed.
    const leaf = new X509Certificate(der);
    expect(leaf.checkIssued(leaf)).toBe(false);
    const pem = leaf.toString();
    await compactVerify(jwt, await importX509(pem, 'ES256'));
    const claims = decodeJwt(jwt);
    // ExtractAndValidateX509HashClientId: x509_hash: and the base64url SHA-256 of the DER.
    expect(claims.client_id).toBe(
      `x509_hash:${createHash('sha256').update(der).digest('base64url')}`,
    );
    return { header, claims };
  }

  /** What a positive module requires of the answer at response_uri (OpenID4VP 1.0 §8.2). */
  function expectAccepted(answer: { status: number; body: Record<string, unknown> }) {
    expect(answer.status).toBe(200);
    const redirect = answer.body.redirect_uri;
    if (redirect !== undefined) expect(redirect).toEqual(expect.stringMatching(/^https?:\/\/\S+/));
  }

  /** A key-binding JWT of the holder's making over the presented SD-JWT, with what a module spoils. */
  async function withKeyBinding(
    presented: string,
    signingJwk: JWK,
    spoil: Record<string, unknown>,
  ): Promise<string> {
    const sdJwt = presented.slice(0, presented.lastIndexOf('~') + 1);
    return (
      sdJwt +
      (await new SignJWT({
        sd_hash: createHash('sha256').update(sdJwt).digest('base64url'),
        ...spoil,
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'kb+jwt' })
        .sign(await importJWK(signingJwk, 'ES256')))
    );
  }

  /** The holder's presentation for the request: what it asks disclosed, bound to it. */
  async function presentation(wallet: ResolvedRequest, holder: Holder, credential?: string) {
    return present(holder, credential ?? (await issueCredential({ holder })), wallet.asked, {
      aud: wallet.payload.client_id,
      nonce: wallet.payload.nonce,
    });
  }

  const answerWith = (wallet: ResolvedRequest, vp: string) =>
    submit(wallet, { [wallet.payload.dcql_query.credentials[0].id]: [vp] });

  it('oid4vp-1final-verifier-happy-flow: a request the plan’s wallet accepts, and its answer accepted', async () => {
    const { link, requestUri } = await started();
    // The authorization request: client_id and request_uri, request_uri_method get or post.
    expect(link.protocol).toBe('openid4vp:');
    expect(['get', 'post', null]).toContain(link.searchParams.get('request_uri_method'));
    const { claims } = await checkedRequestObject(requestUri);
    expect(claims.client_id).toBe(link.searchParams.get('client_id'));
    expect(claims).toMatchObject({
      response_type: 'vp_token',
      response_mode: 'direct_post.jwt',
      // §5.8: a request object's audience is the self-issued wallet (ValidateRequestObjectAudForVP).
      aud: 'https://self-issued.me/v2',
    });
    for (const forbidden of FORBIDDEN_CLAIMS) expect(claims).not.toHaveProperty(forbidden);
    // No wallet_nonce unless the wallet posted one (EnsureNoWalletNonceInRequestObject).
    expect(claims).not.toHaveProperty('wallet_nonce');
    // iat within 5 minutes of now (ValidateRequestObjectIat); exp after it.
    expect(Math.abs(nowSeconds() - (claims.iat as number))).toBeLessThan(300);
    expect(claims.exp).toBeGreaterThan(claims.iat as number);
    // §5.2 nonce: 16 to 43 characters, at least 96 bits of Shannon entropy by its characters.
    const nonce = claims.nonce as string;
    expect(nonce.length).toBeGreaterThanOrEqual(16);
    expect(nonce.length).toBeLessThanOrEqual(43);
    expect(shannonBits(nonce)).toBeGreaterThan(96);
    // Appendix B.3.4: dc+sd-jwt in vp_formats_supported, with known JWS algorithms only.
    const metadata = claims.client_metadata as {
      vp_formats_supported: Record<string, Record<string, string[]>>;
      jwks: { keys: JWK[] };
    };
    const sdJwt = metadata.vp_formats_supported['dc+sd-jwt'];
    for (const alg of [...sdJwt['sd-jwt_alg_values'], ...sdJwt['kb-jwt_alg_values']]) {
      expect(JWS_ALGORITHMS.has(alg)).toBe(true);
    }
    // §5.1, §8.3: every response encryption key has a kid of its own and an alg, and serves enc.
    const keys = metadata.jwks.keys;
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys.map((key) => key.kid)).size).toBe(keys.length);
    for (const key of keys) {
      expect(key.kid).toEqual(expect.any(String));
      expect(key.alg).toEqual(expect.any(String));
      expect([undefined, 'enc']).toContain(key.use);
      expect(key).not.toHaveProperty('d');
    }
    // VP1FinalCheckEncryptionKeyNotReused: another request, another key.
    const other = await checkedRequestObject((await started()).requestUri);
    const otherKeys = (other.claims.client_metadata as { jwks: { keys: JWK[] } }).jwks.keys;
    expect(otherKeys.map((key) => key.x)).not.toContain(keys[0].x);
    // DCQL (§6): the query asks for the configured SD-JWT VC.
    const dcql = claims.dcql_query as {
      credentials: {
        id: string;
        format: string;
        claims?: { id: string }[];
        claim_sets?: string[][];
      }[];
    };
    expect(dcql.credentials[0].format).toBe('dc+sd-jwt');
    // CheckForUnreferencedClaimsInDcqlQuery: every claim listed is in some claim_sets option. A
    // query of no claims (the credential asked for without the subject claims) lists none, and
    // then no claim_sets (OpenID4VP 1.0 §6.1).
    for (const credential of dcql.credentials) {
      const referenced = new Set(credential.claim_sets?.flat());
      for (const claim of credential.claims ?? []) expect(referenced).toContain(claim.id);
      if (credential.claims === undefined) expect(credential.claim_sets).toBeUndefined();
    }

    const wallet = await resolveRequest(link.href);
    const holder = await newHolder();
    const answer = await answerWith(wallet, await presentation(wallet, holder));
    expectAccepted(answer);
  });

  it('oid4vp-1final-verifier-minimal-cnf-jwk: a credential whose cnf.jwk has only kty, crv, x and y', async () => {
    const { link } = await started();
    const wallet = await resolveRequest(link.href);
    const { privateJwk, publicJwk } = await newHolder();
    const minimal = {
      kty: publicJwk.kty,
      crv: publicJwk.crv,
      x: publicJwk.x,
      y: publicJwk.y,
    } as JWK;
    const holder = { privateJwk, publicJwk: minimal };
    expectAccepted(await answerWith(wallet, await presentation(wallet, holder)));
  });

  it('oid4vp-1final-verifier-request-uri-method-post: the wallet posts its wallet_nonce and gets it back in the request object', async () => {
    const { link, requestUri } = await started();
    expect(link.searchParams.get('request_uri_method')).toBe('post');
    const walletNonce = 'wn-' + createHash('sha256').update(requestUri).digest('base64url');
    const posted = await checkedRequestObject(requestUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ wallet_nonce: walletNonce }),
    });
    expect(posted.claims.wallet_nonce).toBe(walletNonce);
    const wallet = await resolveRequest(link.href);
    expect(wallet.payload.nonce).toBe(posted.claims.nonce);
    expectAccepted(await answerWith(wallet, await presentation(wallet, await newHolder())));
  });

  it('oid4vp-1final-verifier-request-uri-fetched-twice: the request object is served again to a second fetch', async () => {
    const { link, requestUri } = await started();
    const first = await checkedRequestObject(requestUri);
    const second = await checkedRequestObject(requestUri);
    expect(second.claims.state).toBe(first.claims.state);
    expect(second.claims.nonce).toBe(first.claims.nonce);
    const wallet = await resolveRequest(link.href);
    expectAccepted(await answerWith(wallet, await presentation(wallet, await newHolder())));
  });

  describe('negative modules: the answer is refused with a 4xx', () => {
    /** The module's spoiled presentation is refused; the request still takes a good one. */
    async function refused(spoil: (wallet: ResolvedRequest, holder: Holder) => Promise<string>) {
      const { link } = await started();
      const wallet = await resolveRequest(link.href);
      const holder = await newHolder();
      const answer = await answerWith(wallet, await spoil(wallet, holder));
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.body.error).toBe('invalid_presentation');
      expectAccepted(await answerWith(wallet, await presentation(wallet, holder)));
    }

    const keyBound = (wallet: ResolvedRequest) => ({
      aud: wallet.payload.client_id,
      nonce: wallet.payload.nonce,
      iat: nowSeconds(),
    });

    it('oid4vp-1final-verifier-invalid-kb-jwt-signature', async () => {
      const other = (await ES256.generateKeyPair()).privateKey as JWK;
      await refused(async (wallet, holder) =>
        withKeyBinding(await presentation(wallet, holder), other, keyBound(wallet)),
      );
    });

    it('oid4vp-1final-verifier-invalid-credential-signature', async () => {
      const forger = (await ES256.generateKeyPair()).privateKey as JWK;
      await refused(async (wallet, holder) =>
        presentation(wallet, holder, await issueCredential({ holder, issuerJwk: forger })),
      );
    });

    it('oid4vp-1final-verifier-invalid-sd-hash', async () => {
      await refused(async (wallet, holder) =>
        withKeyBinding(await presentation(wallet, holder), holder.privateJwk, {
          ...keyBound(wallet),
          sd_hash: createHash('sha256').update('another presentation').digest('base64url'),
        }),
      );
    });

    it('oid4vp-1final-verifier-invalid-kb-jwt-nonce', async () => {
      await refused(async (wallet, holder) =>
        withKeyBinding(await presentation(wallet, holder), holder.privateJwk, {
          ...keyBound(wallet),
          nonce: 'not-the-verifier-nonce-0123456789',
        }),
      );
    });

    it('oid4vp-1final-verifier-invalid-kb-jwt-aud', async () => {
      await refused(async (wallet, holder) =>
        withKeyBinding(await presentation(wallet, holder), holder.privateJwk, {
          ...keyBound(wallet),
          aud: 'x509_hash:another-verifier',
        }),
      );
    });

    it('oid4vp-1final-verifier-kb-jwt-iat-in-past (a year ago)', async () => {
      await refused(async (wallet, holder) =>
        withKeyBinding(await presentation(wallet, holder), holder.privateJwk, {
          ...keyBound(wallet),
          iat: nowSeconds() - YEAR,
        }),
      );
    });

    it('oid4vp-1final-verifier-kb-jwt-iat-in-future (a year ahead)', async () => {
      await refused(async (wallet, holder) =>
        withKeyBinding(await presentation(wallet, holder), holder.privateJwk, {
          ...keyBound(wallet),
          iat: nowSeconds() + YEAR,
        }),
      );
    });
  });
});

/** Shannon entropy of a string by its characters, times its length: the plan's nonce estimate. */
function shannonBits(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * text.length;
}
