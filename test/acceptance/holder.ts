/**
 * An identity wallet's holder for the acceptance suite, from the libraries wallets use and nothing
 * of the service: @sd-jwt/sd-jwt-vc issues a test PID (with the demo issuer key that
 * examples/identity-wallet.mjs publishes, or a key of the test's own) and discloses claims; the
 * key-binding JWT is signed with jose, so that a test can say each of its claims;
 * @openid4vc/openid4vp resolves the verifier's request and builds and submits the answer
 * (direct_post, or direct_post.jwt encrypted with jose).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/utils';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import {
  CompactEncrypt,
  compactVerify,
  decodeProtectedHeader,
  importJWK,
  importX509,
  type JWK,
  SignJWT,
  UnsecuredJWT,
} from 'jose';

// The verifier answers on loopback http (the library refuses http URLs otherwise).
setGlobalConfig({ allowInsecureUrls: true });

/** The demo PID issuer a development Proofgate trusts (examples/identity-wallet.mjs publishes it). */
export const DEMO_ISSUER = 'https://demo-pid-issuer.proofgate.example';
export const DEMO_ISSUER_PRIVATE_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'cGLMUPogIdO-vUy4A620v0UZyVEc11MiHJ6rQ3v4mWg',
  y: '_yBdk25uUrqf_dOC4Lw0PD6fQzkH0XCru9Tfz07gp8k',
  d: 'iUdT0TZwv3UKSRiNEktjXhAqBrMfLaUY4cQtPnEIcOc',
  kid: 'demo-pid-issuer-1',
};

/** Plainly fake; her personal administrative number keys her account (OID4VP_SUBJECT_CLAIMS). */
export const ALICE = {
  given_name: 'Alice',
  family_name: 'Example',
  birthdate: '1990-04-01',
  personal_administrative_number: 'FAKE-PAN-ALICE-0001',
  age_over_18: true,
};

export interface KeyPair {
  readonly publicKey: JWK;
  readonly privateKey: JWK;
}

export const newKeyPair = (): Promise<KeyPair> => ES256.generateKeyPair();

export interface IssueOptions {
  readonly issuer?: string;
  readonly issuerKey?: JWK & { kid?: string };
  readonly claims?: Record<string, unknown>;
  readonly exp?: number;
  readonly vct?: string;
  /** Claims the issuer signs as they are (not selectively disclosable): `status`, … */
  readonly plain?: Record<string, unknown>;
}

const now = () => Math.floor(Date.now() / 1000);

/** A PID (SD-JWT VC, every claim selectively disclosable) bound to `holder`'s key. */
export async function issue(holder: KeyPair, options: IssueOptions = {}): Promise<string> {
  const key = options.issuerKey ?? DEMO_ISSUER_PRIVATE_JWK;
  const claims = options.claims ?? ALICE;
  return new SDJwtVcInstance({
    signer: await ES256.getSigner(key),
    signAlg: 'ES256',
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
  }).issue(
    {
      iss: options.issuer ?? DEMO_ISSUER,
      vct: options.vct ?? 'urn:eudi:pid:1',
      iat: now() - 60,
      exp: options.exp ?? now() + 3600,
      cnf: { jwk: holder.publicKey },
      ...options.plain,
      ...claims,
    },
    { _sd: Object.keys(claims) } as never,
    { header: { typ: 'dc+sd-jwt', ...(key.kid ? { kid: key.kid } : {}) } },
  );
}

/** The SD-JWT with only `claims` disclosed, without key binding (`<jwt>~<disclosure>~…~`). */
export async function disclose(credential: string, claims: readonly string[]): Promise<string> {
  const presented = await new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256' }).present(
    credential,
    Object.fromEntries(claims.map((claim) => [claim, true])),
  );
  return presented.endsWith('~') ? presented : `${presented}~`;
}

export interface KeyBinding {
  readonly aud: string;
  readonly nonce: string;
  readonly iat?: number;
  readonly sd_hash?: string;
  /** Signs with this key instead of the holder's. */
  readonly key?: JWK;
}

/** `sdJwt` (ending in `~`) followed by its key-binding JWT (RFC 9901 §4.3), signed with jose. */
export async function withKeyBinding(
  holder: KeyPair,
  sdJwt: string,
  binding: KeyBinding,
): Promise<string> {
  const kb = await new SignJWT({
    aud: binding.aud,
    nonce: binding.nonce,
    iat: binding.iat ?? now(),
    sd_hash: binding.sd_hash ?? createHash('sha256').update(sdJwt).digest('base64url'),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'kb+jwt' })
    .sign(await importJWK(binding.key ?? holder.privateKey, 'ES256'));
  return `${sdJwt}${kb}`;
}

export interface RequestObject {
  client_id: string;
  nonce: string;
  state: string;
  response_uri: string;
  response_mode: string;
  response_type: string;
  dcql_query: {
    credentials: { id: string; claims?: { path: string[] }[]; claim_sets?: string[][] }[];
  };
  client_metadata?: { jwks?: { keys: JWK[] } } & Record<string, unknown>;
  [claim: string]: unknown;
}

/** The claims a DCQL query's first credential query asks for (its first claim set, else all). */
export function askedClaims(request: RequestObject): string[] {
  const [query] = request.dcql_query.credentials;
  return query.claim_sets?.[0] ?? (query.claims ?? []).map(({ path }) => path[0]);
}

/** The wallet's callbacks, as a wallet built on @openid4vc/openid4vp gives them. */
function wallet(): Openid4vpClient {
  return new Openid4vpClient({
    callbacks: {
      fetch,
      hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
      verifyJwt: async (signer, jwt) => {
        if (signer.method !== 'x5c') return { verified: false };
        const pem = `-----BEGIN CERTIFICATE-----\n${signer.x5c[0]}\n-----END CERTIFICATE-----`;
        try {
          const alg = decodeProtectedHeader(jwt.compact).alg ?? 'ES256';
          await compactVerify(jwt.compact, await importX509(pem, alg));
          return { verified: true, signerJwk: { kty: 'EC' } };
        } catch {
          return { verified: false };
        }
      },
      getX509CertificateMetadata: (certificate) => {
        const pem = `-----BEGIN CERTIFICATE-----\n${certificate}\n-----END CERTIFICATE-----`;
        const names = (new X509Certificate(pem).subjectAltName ?? '').split(', ');
        const of = (kind: string) =>
          names.filter((name) => name.startsWith(kind)).map((name) => name.slice(kind.length));
        return { sanDnsNames: of('DNS:'), sanUriNames: of('URI:') };
      },
      signJwt: () => {
        throw new Error('the wallet signs nothing with this callback');
      },
      decryptJwe: () => {
        throw new Error('the wallet decrypts nothing');
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
    },
  });
}

/**
 * Resolves `openid4vp://?client_id=…&request_uri=…` as a wallet: the library fetches and checks a
 * signed request object; an unsigned (`redirect_uri:`) one it does not fetch by reference
 * (0.4.6, docs/IDENTITY-WALLETS.md), so the holder fetches it, checks its header and hands the
 * library its claims, which it validates as a request by value.
 */
export async function resolve(authorizationRequest: string): Promise<RequestObject> {
  const params = Object.fromEntries(new URL(authorizationRequest).searchParams);
  let payload: Record<string, unknown> = params;
  if (params.client_id.startsWith('redirect_uri:')) {
    const jwt = await (await fetch(params.request_uri)).text();
    const header = decodeProtectedHeader(jwt);
    if (header.alg !== 'none' || header.typ !== 'oauth-authz-req+jwt') {
      throw new Error(`not an unsigned request object: ${JSON.stringify(header)}`);
    }
    payload = UnsecuredJWT.decode(jwt).payload;
  }
  const resolved = await wallet().resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: payload,
  });
  return resolved.authorizationRequestPayload as unknown as RequestObject;
}

/** The library builds the answer (a JWE for direct_post.jwt) and posts it to response_uri. */
export async function submit(
  request: RequestObject,
  vpToken: Record<string, string[]>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const client = wallet();
  const jwt = request.response_mode === 'direct_post.jwt';
  const created = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request as never,
    authorizationResponsePayload: { vp_token: vpToken },
    ...(jwt
      ? {
          jarm: {
            encryption: { nonce: request.nonce },
            serverMetadata: {
              authorization_signing_alg_values_supported: [],
              authorization_encryption_alg_values_supported: ['ECDH-ES'],
              authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
            },
          },
        }
      : {}),
  });
  const submitted = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: created.authorizationResponsePayload,
    ...(created.jarm === undefined ? {} : { jarm: { responseJwt: created.jarm.responseJwt } }),
  });
  const text = await submitted.response.text();
  return {
    status: submitted.response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** A raw direct_post of `vp_token` and `state` to response_uri, as a form (OpenID4VP §8.2). */
export async function post(
  request: RequestObject,
  vpToken: string,
  state = request.state,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(request.response_uri, {
    method: 'POST',
    body: new URLSearchParams({ vp_token: vpToken, state }),
  });
  const text = await answer.text();
  return {
    status: answer.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** The presentation of `credential` that `request` asks for, key-bound to it (overrides aside). */
export async function presentationFor(
  request: RequestObject,
  holder: KeyPair,
  credential: string,
  overrides: Partial<KeyBinding> & { claims?: readonly string[] } = {},
): Promise<string> {
  const sdJwt = await disclose(credential, overrides.claims ?? askedClaims(request));
  return withKeyBinding(holder, sdJwt, {
    aud: request.client_id,
    nonce: request.nonce,
    ...overrides,
  });
}

/** The vp_token of one presentation under the query's credential id (JSON, for a form post). */
export function vpTokenOf(request: RequestObject, presentation: string): string {
  return JSON.stringify({ [request.dcql_query.credentials[0].id]: [presentation] });
}
