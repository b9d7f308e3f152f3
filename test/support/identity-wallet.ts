/**
 * An independent holder of an identity wallet, built from the libraries wallets use:
 * @sd-jwt/sd-jwt-vc issues itself a test PID (signed with the published demo issuer key, or a key
 * of the test's own) and presents it with a key-binding JWT; @openid4vc/openid4vp resolves the
 * verifier's request (fetching the request object, checking its signature and client identifier
 * prefix) and builds and submits the answer (direct_post, or direct_post.jwt encrypted with jose).
 */
import { createHash } from 'node:crypto';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/utils';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import {
  CompactEncrypt,
  type JWK,
  compactVerify,
  decodeProtectedHeader,
  importJWK,
  importX509,
  UnsecuredJWT,
} from 'jose';

// The test verifier is on loopback over http (the library refuses http URLs otherwise).
setGlobalConfig({ allowInsecureUrls: true });

/** The demo PID issuer's key, published (examples/identity-wallet.mjs): trusted in development only. */
export const DEMO_ISSUER = 'https://demo-pid-issuer.proofgate.example';
export const DEMO_ISSUER_PRIVATE_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'cGLMUPogIdO-vUy4A620v0UZyVEc11MiHJ6rQ3v4mWg',
  y: '_yBdk25uUrqf_dOC4Lw0PD6fQzkH0XCru9Tfz07gp8k',
  d: 'iUdT0TZwv3UKSRiNEktjXhAqBrMfLaUY4cQtPnEIcOc',
  kid: 'demo-pid-issuer-1',
};

export type Claims = Record<string, unknown>;

export const ALICE: Claims = {
  given_name: 'Alice',
  family_name: 'Example',
  birthdate: '1990-04-01',
  age_over_18: true,
};

/** A holder: its key (cnf.jwk) and the credentials it holds. */
export interface Holder {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

export async function newHolder(): Promise<Holder> {
  const { privateKey, publicKey } = await ES256.generateKeyPair();
  return { privateJwk: privateKey, publicJwk: publicKey };
}

export interface IssueOptions {
  readonly holder: Holder;
  readonly claims?: Claims;
  readonly iss?: string;
  readonly issuerJwk?: JWK;
  readonly vct?: string;
  readonly exp?: number;
  readonly status?: { idx: number; uri: string };
  readonly sub?: string;
}

/** An SD-JWT VC (dc+sd-jwt) whose claims are each selectively disclosable. */
export async function issueCredential(options: IssueOptions): Promise<string> {
  const issuerJwk = options.issuerJwk ?? DEMO_ISSUER_PRIVATE_JWK;
  const claims = options.claims ?? ALICE;
  const sdjwt = new SDJwtVcInstance({
    signer: await ES256.getSigner(issuerJwk),
    signAlg: 'ES256',
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
  });
  const now = Math.floor(Date.now() / 1000);
  return sdjwt.issue(
    {
      iss: options.iss ?? DEMO_ISSUER,
      vct: options.vct ?? 'urn:eudi:pid:1',
      iat: now,
      exp: options.exp ?? now + 3600,
      cnf: { jwk: options.holder.publicJwk },
      ...(options.sub === undefined ? {} : { sub: options.sub }),
      ...(options.status === undefined ? {} : { status: { status_list: options.status } }),
      ...claims,
    },
    { _sd: Object.keys(claims) } as never,
    { header: { typ: 'dc+sd-jwt', kid: (issuerJwk as { kid?: string }).kid } },
  );
}

/** What the key-binding JWT says: by default what the request asks. */
export interface KeyBindingOverrides {
  readonly aud?: string;
  readonly nonce?: string;
  readonly iat?: number;
}

/** The credential with the disclosures of `disclose`, and a key-binding JWT for the request. */
export async function present(
  holder: Holder,
  credential: string,
  disclose: readonly string[],
  kb: { aud: string; nonce: string; iat?: number },
): Promise<string> {
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    kbSigner: await ES256.getSigner(holder.privateJwk),
    kbSignAlg: 'ES256',
  });
  const frame = Object.fromEntries(disclose.map((claim) => [claim, true]));
  return sdjwt.present(credential, frame, {
    kb: {
      payload: { aud: kb.aud, nonce: kb.nonce, iat: kb.iat ?? Math.floor(Date.now() / 1000) },
    },
  });
}

export interface ResolvedRequest {
  readonly payload: Record<string, unknown> & {
    client_id: string;
    nonce: string;
    state?: string;
    response_uri: string;
    response_mode: string;
    dcql_query: { credentials: { id: string; claim_sets?: string[][] }[] };
  };
  readonly client: Openid4vpClient;
  /** The claims the query's (first) claim set asks for: what the wallet discloses. */
  readonly asked: string[];
}

/** The wallet's callbacks, as a wallet built on @openid4vc/openid4vp gives them. */
function walletClient(): Openid4vpClient {
  return new Openid4vpClient({
    callbacks: {
      fetch,
      hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
      signJwt: () => {
        throw new Error('the holder signs nothing here');
      },
      verifyJwt: async (signer, jwt) => {
        const header = decodeProtectedHeader(jwt.compact);
        if (signer.method !== 'x5c') return { verified: false };
        const key = await importX509(
          `-----BEGIN CERTIFICATE-----\n${signer.x5c[0]}\n-----END CERTIFICATE-----`,
          header.alg ?? 'ES256',
        );
        try {
          await compactVerify(jwt.compact, key);
          return { verified: true, signerJwk: { kty: 'EC' } };
        } catch {
          return { verified: false };
        }
      },
      decryptJwe: () => {
        throw new Error('the holder decrypts nothing here');
      },
      encryptJwe: async (encryptor, data) => {
        const key = await importJWK(encryptor.publicJwk as JWK, encryptor.alg);
        const jwe = await new CompactEncrypt(new TextEncoder().encode(data))
          .setProtectedHeader({
            alg: encryptor.alg,
            enc: encryptor.enc,
            ...(encryptor.publicJwk.kid === undefined ? {} : { kid: encryptor.publicJwk.kid }),
          })
          .encrypt(key);
        return { encryptionJwk: encryptor.publicJwk, jwe };
      },
      getX509CertificateMetadata: () => ({ sanDnsNames: ['localhost'], sanUriNames: [] }),
    },
  });
}

/** Resolves an authorization request link (`openid4vp://?client_id=…&request_uri=…`). */
export async function resolveRequest(authorizationRequest: string): Promise<ResolvedRequest> {
  const client = walletClient();
  const params = Object.fromEntries(new URL(authorizationRequest).searchParams);
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: params.client_id.startsWith('redirect_uri:')
      ? await unsignedRequestObject(params.request_uri)
      : params,
  });
  const payload = resolved.authorizationRequestPayload as ResolvedRequest['payload'];
  const asked = payload.dcql_query.credentials[0].claim_sets?.[0] ?? [];
  return { payload, client, asked };
}

/**
 * @openid4vc/openid4vp 0.4.6 fetches only signed request objects by reference (its JWT check wants
 * a signature), though OpenID4VP 1.0 §5.9.3 has a `redirect_uri:` request unsigned (`alg` none):
 * the holder fetches and decodes that one (jose), checks its `typ`, and hands the library its
 * claims to validate as a request by value (which checks the prefix against response_uri).
 */
async function unsignedRequestObject(requestUri: string): Promise<Record<string, unknown>> {
  const response = await fetch(requestUri, {
    headers: { accept: 'application/oauth-authz-req+jwt' },
  });
  if (!response.ok) throw new Error(`request_uri answered ${response.status}`);
  const jwt = await response.text();
  const header = decodeProtectedHeader(jwt);
  if (header.alg !== 'none' || header.typ !== 'oauth-authz-req+jwt') {
    throw new Error(`an unsigned request object was expected, got ${JSON.stringify(header)}`);
  }
  return UnsecuredJWT.decode(jwt).payload;
}

/** Builds and submits the answer; resolves to the verifier's status and JSON body. */
export async function submit(
  request: ResolvedRequest,
  vpToken: Record<string, string[]>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const jwt = request.payload.response_mode === 'direct_post.jwt';
  const created = await request.client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request.payload as never,
    authorizationResponsePayload: { vp_token: vpToken },
    ...(jwt
      ? {
          jarm: {
            encryption: { nonce: request.payload.nonce },
            serverMetadata: {
              authorization_signing_alg_values_supported: [],
              authorization_encryption_alg_values_supported: ['ECDH-ES'],
              authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
            },
          },
        }
      : {}),
  });
  const submitted = await request.client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request.payload,
    authorizationResponsePayload: created.authorizationResponsePayload,
    ...(created.jarm === undefined ? {} : { jarm: { responseJwt: created.jarm.responseJwt } }),
  });
  const text = await submitted.response.text();
  return {
    status: submitted.response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** A wallet signing in: resolve, present what is asked (KB overrides for refusal tests), submit. */
export async function answer(
  authorizationRequest: string,
  holder: Holder,
  credential: string,
  overrides: KeyBindingOverrides & { disclose?: readonly string[] } = {},
): Promise<{ status: number; body: Record<string, unknown>; request: ResolvedRequest }> {
  const request = await resolveRequest(authorizationRequest);
  const presentation = await present(holder, credential, overrides.disclose ?? request.asked, {
    aud: overrides.aud ?? request.payload.client_id,
    nonce: overrides.nonce ?? request.payload.nonce,
    ...(overrides.iat === undefined ? {} : { iat: overrides.iat }),
  });
  const id = request.payload.dcql_query.credentials[0].id;
  return { ...(await submit(request, { [id]: [presentation] })), request };
}
