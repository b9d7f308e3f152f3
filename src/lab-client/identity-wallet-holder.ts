/**
 * The holder of an identity wallet, as a client of the service: @sd-jwt/sd-jwt-vc issues it a test
 * PID (with the published demo issuer key, or an issuer key of the caller's) and presents it with
 * a key-binding JWT; the request object is fetched and read with jose. It imports none of the
 * service's code and only production dependencies, so the lab can run it inside the service.
 * Shared by the attack lab, the bench (bench/lib/identity-wallet.ts) and the tests' wallet
 * (test/support/identity-wallet.ts, which resolves and answers through @openid4vc/openid4vp).
 */
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { type JWK, UnsecuredJWT, compactVerify, decodeProtectedHeader, importX509 } from 'jose';

/**
 * The demo PID issuer and its private key, published (examples/identity-wallet.mjs): anyone can
 * mint its credentials, so only a development Proofgate trusts it (OID4VP_TRUSTED_ISSUERS unset).
 */
export const DEMO_ISSUER = 'https://demo-pid-issuer.proofgate.example';
export const DEMO_ISSUER_PRIVATE_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'cGLMUPogIdO-vUy4A620v0UZyVEc11MiHJ6rQ3v4mWg',
  y: '_yBdk25uUrqf_dOC4Lw0PD6fQzkH0XCru9Tfz07gp8k',
  d: 'iUdT0TZwv3UKSRiNEktjXhAqBrMfLaUY4cQtPnEIcOc',
  kid: 'demo-pid-issuer-1',
};
/** The demo issuer's public key, as an operator lists it in OID4VP_TRUSTED_ISSUERS. */
export const DEMO_ISSUER_PUBLIC_JWK: JWK = (({ d: _private, ...publicJwk }) => publicJwk)(
  DEMO_ISSUER_PRIVATE_JWK,
);
export const PID_VCT = 'urn:eudi:pid:1';

export type Claims = Record<string, unknown>;

/**
 * The demo PID's person, plainly fake. Her personal administrative number, unique per person at
 * the issuer, keys her account (OID4VP_SUBJECT_CLAIMS): a credential issued to her again, to a
 * new holder key, signs in to the same account.
 */
export const ALICE: Claims = {
  given_name: 'Alice',
  family_name: 'Example',
  birthdate: '1990-04-01',
  personal_administrative_number: 'FAKE-PAN-ALICE-0001',
  age_over_18: true,
};

/** A holder: its key, which its credentials are bound to (cnf.jwk). */
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
      vct: options.vct ?? PID_VCT,
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

/** What the key-binding JWT says: the request's audience and nonce, and when it was signed. */
export interface KeyBinding {
  readonly aud: string;
  readonly nonce: string;
  readonly iat?: number;
}

/** The credential with the disclosures of `disclose`, and a key-binding JWT for the request. */
export async function present(
  holder: Holder,
  credential: string,
  disclose: readonly string[],
  kb: KeyBinding,
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

/** A DCQL query (OpenID4VP 1.0 §6), as far as this holder reads it. */
export interface DcqlQueryShape {
  readonly credentials: readonly {
    readonly id: string;
    readonly meta?: { readonly vct_values?: readonly string[] };
    readonly claims?: readonly { readonly id?: string; readonly path: readonly unknown[] }[];
    readonly claim_sets?: string[][];
  }[];
  readonly credential_sets?: readonly { readonly options: readonly (readonly string[])[] }[];
}

/** What a request object (OpenID4VP 1.0 §5) tells the wallet. */
export interface PresentationRequest {
  readonly client_id: string;
  readonly nonce: string;
  readonly state: string;
  readonly response_uri: string;
  readonly response_mode: string;
  readonly dcql_query: DcqlQueryShape;
}

/**
 * OpenID4VP 1.0 §5.10: the request object a wallet fetched from `request_uri`, read as a wallet
 * reads it: unsigned (`alg` none) for the `redirect_uri:` prefix, else checked against the
 * certificate of its `x5c` (x509_hash:; that the hash names this certificate is a full wallet's
 * check, not this holder's).
 */
export async function readRequestObject(jwt: string): Promise<PresentationRequest> {
  const header = decodeProtectedHeader(jwt);
  if (header.typ !== 'oauth-authz-req+jwt') throw new Error(`request object typ ${header.typ}`);
  if (header.alg === 'none') return UnsecuredJWT.decode(jwt).payload as never;
  const [certificate] = header.x5c ?? [];
  if (certificate === undefined) throw new Error('a signed request object without x5c');
  const key = await importX509(
    `-----BEGIN CERTIFICATE-----\n${certificate}\n-----END CERTIFICATE-----`,
    header.alg ?? 'ES256',
  );
  const { payload } = await compactVerify(jwt, key);
  return JSON.parse(new TextDecoder().decode(payload)) as PresentationRequest;
}

/**
 * The claims the first credential query's first claim set asks for: what the wallet discloses
 * when its credential has them all (the demo PID does; else see chosenAnswer).
 */
export function askedClaims(request: PresentationRequest): string[] {
  return request.dcql_query.credentials[0].claim_sets?.[0] ?? [];
}

/** The credential's `vct` and the claims it carries, by name (those neither absent nor null). */
function carried(credential: string): { vct: unknown; names: Set<string> } {
  const [jwt, ...disclosures] = credential.split('~');
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Claims;
  const names = new Set(Object.keys(payload).filter((name) => payload[name] !== null));
  for (const disclosure of disclosures.filter((part) => part !== '')) {
    const decoded = JSON.parse(Buffer.from(disclosure, 'base64url').toString()) as unknown[];
    // [salt, name, value]: an object property (an array element's has no name).
    if (decoded.length === 3 && decoded[2] !== null) names.add(String(decoded[1]));
  }
  return { vct: payload.vct, names };
}

/**
 * OpenID4VP 1.0 §6.4: what a wallet holding `credential` answers the query with: the first
 * credential query, in the order of preference of its `credential_sets` options (else its own),
 * that the credential's `vct` fits and one of whose claim sets it carries, and the first such set
 * (§6.4.1; no claims for a query that lists none). Undefined: the credential answers none.
 */
export function chosenAnswer(
  query: DcqlQueryShape,
  credential: string,
): { id: string; disclose: string[] } | undefined {
  const { vct, names } = carried(credential);
  const ids = query.credential_sets?.[0]?.options.flat() ?? query.credentials.map(({ id }) => id);
  for (const id of ids) {
    const candidate = query.credentials.find((credentialQuery) => credentialQuery.id === id);
    const vctValues = candidate?.meta?.vct_values;
    if (candidate === undefined || (vctValues !== undefined && !vctValues.includes(String(vct)))) {
      continue;
    }
    const claims = candidate.claims ?? [];
    const pathOf = new Map(claims.map((claim) => [claim.id, String(claim.path[0])]));
    const sets = candidate.claim_sets?.map((set) => set.map((claimId) => pathOf.get(claimId)!)) ?? [
      claims.map((claim) => String(claim.path[0])),
    ];
    const disclose = sets.find((set) => set.every((name) => names.has(name)));
    if (disclose !== undefined) return { id, disclose };
  }
  return undefined;
}

/** OpenID4VP 1.0 §8.1, §8.2: a direct_post answer, form-encoded, one presentation. */
export function directPostBody(request: PresentationRequest, presentation: string): string {
  const [{ id }] = request.dcql_query.credentials;
  return new URLSearchParams({
    vp_token: JSON.stringify({ [id]: [presentation] }),
    state: request.state,
  }).toString();
}
