/**
 * An independent holder of an identity wallet, built from the libraries wallets use:
 * @sd-jwt/sd-jwt-vc issues itself a test PID (signed with the published demo issuer key, or a key
 * of the test's own) and presents it with a key-binding JWT (src/lab-client/identity-wallet-holder.ts,
 * the lab's holder, which imports no service code); @openid4vc/openid4vp resolves the
 * verifier's request (fetching the request object, checking its signature and client identifier
 * prefix) and builds and submits the answer (direct_post, or direct_post.jwt encrypted with jose).
 */
import { createHash } from 'node:crypto';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/utils';
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

// The holder's own part (its key, the credential, the presentation) is the lab's holder.
import {
  type DcqlQueryShape,
  type Holder,
  chosenAnswer,
  present,
} from '../../src/lab-client/identity-wallet-holder';
export {
  ALICE,
  DEMO_ISSUER,
  DEMO_ISSUER_PRIVATE_JWK,
  type Claims,
  type Holder,
  chosenAnswer,
  type IssueOptions,
  issueCredential,
  newHolder,
  present,
} from '../../src/lab-client/identity-wallet-holder';

/** What the key-binding JWT says: by default what the request asks. */
export interface KeyBindingOverrides {
  readonly aud?: string;
  readonly nonce?: string;
  readonly iat?: number;
}

export interface ResolvedRequest {
  readonly payload: Record<string, unknown> & {
    client_id: string;
    nonce: string;
    state?: string;
    response_uri: string;
    response_mode: string;
    dcql_query: DcqlQueryShape & { credentials: { id: string; claim_sets?: string[][] }[] };
  };
  readonly client: Openid4vpClient;
  /**
   * The claims the first credential query's first claim set asks for: what a wallet whose
   * credential has them all discloses (answer() discloses what chosenAnswer chooses).
   */
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

/**
 * A wallet signing in: resolve, present what it chooses to (chosenAnswer: the first credential
 * query and claim set its credential answers; `disclose` for refusal tests, under the first
 * query), submit. KB overrides for refusal tests. `given`: the credential query it answered.
 */
export async function answer(
  authorizationRequest: string,
  holder: Holder,
  credential: string,
  overrides: KeyBindingOverrides & { disclose?: readonly string[] } = {},
): Promise<{
  status: number;
  body: Record<string, unknown>;
  request: ResolvedRequest;
  given: { id: string; disclose: readonly string[] };
}> {
  const request = await resolveRequest(authorizationRequest);
  const query = request.payload.dcql_query;
  const given =
    overrides.disclose === undefined
      ? (chosenAnswer(query, credential) ?? {
          id: query.credentials[0].id,
          disclose: request.asked,
        })
      : { id: query.credentials[0].id, disclose: overrides.disclose };
  const presentation = await present(holder, credential, given.disclose, {
    aud: overrides.aud ?? request.payload.client_id,
    nonce: overrides.nonce ?? request.payload.nonce,
    ...(overrides.iat === undefined ? {} : { iat: overrides.iat }),
  });
  return { ...(await submit(request, { [given.id]: [presentation] })), request, given };
}
