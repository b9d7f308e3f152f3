import { Injectable } from '@nestjs/common';
import { decodeSdJwtSync, getClaimsSync } from '@sd-jwt/decode';
import { digest } from '@sd-jwt/crypto-nodejs';
import { DcqlPresentationResult, DcqlQuery } from 'dcql';
import { type CryptoKey, base64url, compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { Oid4vpConfig, type TrustedIssuer } from '../config/sections/oid4vp.config';
import { LruCache } from '../platform/cache/lru-cache';
import { Clock } from '../platform/clock/clock';
import { InvalidRequest } from '../platform/errors/protocol-error';
import { DuplicateMemberName, parseJson } from '../platform/http/json-duplicate-names';
import { type PresentationMatch, compileQueryMatch } from './dcql-match';
import { InvalidPresentation, type PresentationCheck } from './oid4vp.errors';
import { disclosuresReferenced } from './sd-jwt-disclosures';
import { SIGNATURE_ALGORITHMS, TrustedIssuerKeys } from './trusted-issuer-keys';
import { StatusLists } from './status-lists';

/** SD-JWT VC §3.2.1: the media types of an SD-JWT VC (the older `vc+sd-jwt` still seen). */
const SD_JWT_VC_TYPES = new Set(['dc+sd-jwt', 'vc+sd-jwt']);
/** RFC 9901 §4.3: the key-binding JWT's `typ`. */
const KB_JWT_TYPE = 'kb+jwt';
/** A key-binding JWT made a little ahead of this server's clock is still fresh. */
const FUTURE_SKEW_SECONDS = 60;
/** Node's hashes, synchronous: a presentation's few disclosures hash in microseconds each. */
const hasher = (data: string | ArrayBuffer, alg: string) => digest(data, alg);
/**
 * Holder keys kept imported (a returning wallet's key-binding JWT is checked without importing its
 * key again, ~0.2 ms of the CPU of a sign-in), least recently used first out; and the DCQL queries
 * parsed (a handful: the configured credentials times the scopes asked).
 */
const HOLDER_KEYS_REMEMBERED = 10_000;
const QUERIES_REMEMBERED = 64;
/** RFC 7517: the members that make a public key what it is; anything else a holder adds is not. */
const PUBLIC_KEY_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;

/** What the request a presentation answers expects of it. */
export interface ExpectedPresentation {
  readonly nonce: string;
  /** OpenID4VP 1.0 §8.6: the key-binding JWT's `aud`, the full client_id with its prefix. */
  readonly clientId: string;
  readonly dcqlQuery: Record<string, unknown>;
  /** The DCQL credential query the presentation was given for (its `vp_token` key). */
  readonly credentialId: string;
}

/** A presentation that passed every check. */
export interface VerifiedPresentation {
  readonly issuer: string;
  readonly vct: string;
  /** The claims: the issuer-signed ones and the disclosed ones. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The holder key the credential is bound to (its `cnf.jwk`). */
  readonly holderJwk: Readonly<Record<string, unknown>>;
}

/**
 * An SD-JWT VC presentation (RFC 9901, SD-JWT VC) checked against the trust list and the request,
 * cheapest first: the issuer trusted, its signature, the `vct` allowed, not expired, the status
 * list entry, every disclosure referenced by a signed digest, then the key-binding JWT (signed by
 * `cnf.jwk`, `aud`, `nonce`, `iat`, `sd_hash`), and last that it answers the DCQL query. The
 * first failed check is thrown as InvalidPresentation naming it; nothing is written.
 */
@Injectable()
export class PresentationVerifier {
  private readonly holderKeys = new LruCache<string, CryptoKey>(HOLDER_KEYS_REMEMBERED);
  private readonly queries = new LruCache<string, ParsedQuery>(QUERIES_REMEMBERED);

  constructor(
    private readonly issuers: TrustedIssuerKeys,
    private readonly statusLists: StatusLists,
    private readonly config: Oid4vpConfig,
    private readonly clock: Clock,
  ) {}

  async verify(presented: string, expected: ExpectedPresentation): Promise<VerifiedPresentation> {
    const cut = presented.lastIndexOf('~');
    if (cut < 0) throw new InvalidRequest('The presentation is not an SD-JWT (no ~)');
    const issuerJwt = presented.slice(0, presented.indexOf('~'));
    const { sdJwt, header } = decode(presented, issuerJwt);
    const payload = sdJwt.jwt.payload;

    const issuer = this.issuers.issuer(payload.iss);
    if (issuer === undefined) throw new InvalidPresentation('issuer_not_trusted');
    if (typeof header.typ !== 'string' || !SD_JWT_VC_TYPES.has(header.typ)) {
      throw new InvalidPresentation('signature');
    }
    await this.verifySignature(issuerJwt, issuer, 'signature');

    const vct = payload.vct;
    if (typeof vct !== 'string' || !issuer.vct.includes(vct) || !this.requested(vct)) {
      throw new InvalidPresentation('vct');
    }
    const now = this.clock.nowSeconds();
    if (typeof payload.exp === 'number' && payload.exp <= now) fail('expired');
    if (typeof payload.nbf === 'number' && payload.nbf > now + FUTURE_SKEW_SECONDS) fail('expired');
    await this.checkStatus(payload.status, issuer);

    const disclosures = (sdJwt.disclosures ?? []).map((disclosure) => ({
      digest: disclosure._digest ?? '',
      value:
        disclosure.key === undefined ? disclosure.value : { [disclosure.key]: disclosure.value },
    }));
    if (!disclosuresReferenced(payload, disclosures)) fail('disclosure');
    if (payload._sd_alg !== undefined && payload._sd_alg !== 'sha-256') fail('disclosure');

    const holderJwk = (payload.cnf as { jwk?: Record<string, unknown> } | undefined)?.jwk;
    const kbJwt = presented.slice(cut + 1);
    if (holderJwk === undefined || kbJwt === '') fail('key_binding');
    await this.checkKeyBinding(kbJwt, holderJwk, presented.slice(0, cut + 1), expected);

    const claims = getClaimsSync<Record<string, unknown>>(payload, sdJwt.disclosures, hasher);
    this.checkQuery(expected.dcqlQuery, expected.credentialId, vct, claims);
    return { issuer: issuer.issuer, vct, claims, holderJwk };
  }

  private requested(vct: string): boolean {
    return this.config.credentials.some((credential) => credential.vct.includes(vct));
  }

  private async verifySignature(jws: string, issuer: TrustedIssuer, check: PresentationCheck) {
    try {
      return await this.issuers.verify(jws, issuer);
    } catch {
      throw new InvalidPresentation(check);
    }
  }

  /**
   * Token Status List §8.3: the entry the credential names, in the list its issuer signed
   * (StatusLists); any status but 0 (VALID) refuses it, as does a list that cannot be fetched or
   * verified, or a `status` or `status_list` claim that is not an object.
   */
  private async checkStatus(status: unknown, issuer: TrustedIssuer): Promise<void> {
    if (status === undefined) return;
    if (typeof status !== 'object' || status === null) fail('revoked');
    const entry: unknown = (status as { status_list?: unknown }).status_list;
    if (entry === undefined) return;
    if (typeof entry !== 'object' || entry === null) fail('revoked');
    const { idx, uri } = entry as { idx?: unknown; uri?: unknown };
    if (typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || typeof uri !== 'string') {
      fail('revoked');
    }
    if ((await this.statusLists.statusOf(uri, idx, issuer)) !== 0) fail('revoked');
  }

  /**
   * RFC 9901 §7.3 and OpenID4VP 1.0 §8.6: the key-binding JWT, checked here whole: @sd-jwt/core
   * 0.19's verify() checks neither its `aud` nor its `iat`.
   */
  private async checkKeyBinding(
    kbJwt: string,
    holderJwk: Record<string, unknown>,
    presentedSdJwt: string,
    expected: ExpectedPresentation,
  ): Promise<void> {
    let claims: Record<string, unknown>;
    try {
      const header = decodeProtectedHeader(kbJwt);
      if (header.typ !== KB_JWT_TYPE || typeof header.alg !== 'string') fail('key_binding');
      const key = await this.holderKey(holderJwk, header.alg);
      const { payload } = await compactVerify(kbJwt, key, { algorithms: SIGNATURE_ALGORITHMS });
      // Its members each named once: decode() refused the presentation otherwise.
      claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof InvalidPresentation) throw error;
      fail('key_binding');
    }
    if (claims.nonce !== expected.nonce) fail('nonce');
    if (claims.aud !== expected.clientId) fail('audience');
    const now = this.clock.nowSeconds();
    const iat = claims.iat;
    if (
      typeof iat !== 'number' ||
      iat > now + FUTURE_SKEW_SECONDS ||
      iat < now - this.config.keyBindingMaxAgeSeconds
    ) {
      fail('iat');
    }
    const sdHash = base64url.encode(hasher(presentedSdJwt, 'sha-256'));
    if (claims.sd_hash !== sdHash) fail('sd_hash');
  }

  /** The holder's key, imported for `alg` once while it is remembered. */
  private async holderKey(jwk: Record<string, unknown>, alg: string): Promise<CryptoKey> {
    const id = JSON.stringify([alg, ...PUBLIC_KEY_MEMBERS.map((member) => jwk[member] ?? null)]);
    const known = this.holderKeys.get(id);
    if (known !== undefined) return known;
    const imported = await importJWK(jwk, alg);
    // A symmetric key binds no holder.
    if (imported instanceof Uint8Array) fail('key_binding');
    this.holderKeys.set(id, imported);
    return imported;
  }

  /**
   * The stored query, compiled to a plain check (dcql-match.ts) or else parsed by the library,
   * once while it is remembered.
   */
  private parsedQuery(query: Record<string, unknown>): ParsedQuery {
    const id = JSON.stringify(query);
    let parsed = this.queries.get(id);
    if (parsed === undefined) {
      const match = compileQueryMatch(query);
      parsed =
        match !== undefined ? { match } : { dcqlQuery: DcqlQuery.parse(query as DcqlQuery.Input) };
      this.queries.set(id, parsed);
    }
    return parsed;
  }

  /**
   * OpenID4VP 1.0 §6, §8.6: the disclosed claims answer the DCQL query, as the credential query
   * `credentialId` (its `vct_values`, one of its claim sets) and so the query (one option of its
   * `credential_sets`).
   */
  private checkQuery(
    query: Record<string, unknown>,
    credentialId: string,
    vct: string,
    claims: Record<string, unknown>,
  ) {
    try {
      const parsed = this.parsedQuery(query);
      if ('match' in parsed) {
        if (!parsed.match(credentialId, vct, claims)) fail('query');
        return;
      }
      const { dcqlQuery } = parsed;
      const result = DcqlPresentationResult.fromDcqlPresentation(
        {
          [credentialId]: [
            {
              credential_format: 'dc+sd-jwt',
              vct,
              claims: claims as Record<string, never>,
              cryptographic_holder_binding: true,
            },
          ],
        },
        { dcqlQuery },
      );
      if (!result.can_be_satisfied) fail('query');
    } catch (error) {
      if (error instanceof InvalidPresentation) throw error;
      fail('query');
    }
  }
}

function fail(check: PresentationCheck): never {
  throw new InvalidPresentation(check);
}

/** A stored DCQL query, ready to check presentations against. */
type ParsedQuery = { readonly match: PresentationMatch } | { readonly dcqlQuery: DcqlQuery };

/**
 * RFC 9901 §4: the SD-JWT and its disclosures, each hashed by the library (its synchronous
 * decoder: the same steps as SDJwt.fromEncode, without a promise per disclosure); a malformed one,
 * or one with a JSON part that names a member twice, is 400.
 */
function decode(presented: string, issuerJwt: string) {
  let sdJwt: ReturnType<typeof decodeSdJwtSync>;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    sdJwt = decodeSdJwtSync(presented, hasher);
    header = decodeProtectedHeader(issuerJwt);
  } catch {
    throw new InvalidRequest('The presentation is not a well-formed SD-JWT');
  }
  const payload: unknown = sdJwt.jwt.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new InvalidRequest('The presentation is not a well-formed SD-JWT');
  }
  const repeated = repeatedMember(presented);
  if (repeated !== undefined) throw new InvalidRequest(repeated);
  return { sdJwt, header };
}

/**
 * I-JSON (RFC 7493 §2.3) in each JSON part of a presentation: the issuer-signed claims, each
 * disclosure, the key-binding JWT's claims. @sd-jwt/decode and jose read them with JSON.parse,
 * which keeps the last of two members of one name, where the wallet or another verifier may
 * read the first. The refusal naming the part and the member, or undefined.
 */
function repeatedMember(presented: string): string | undefined {
  const parts = presented.split('~');
  const encoded: Array<[string, string | undefined]> = [
    ['The credential', parts[0].split('.')[1]],
    ...parts.slice(1, -1).map((part): [string, string] => ['A disclosure', part]),
    ['The key-binding JWT', parts[parts.length - 1].split('.')[1]],
  ];
  for (const [subject, part] of encoded) {
    if (part === undefined || part === '') continue;
    try {
      parseJson(Buffer.from(part, 'base64url').toString('utf8'));
    } catch (error) {
      if (error instanceof DuplicateMemberName) return `${subject} ${error.message}`;
      // Anything else is not JSON: the checks that read the part refuse it.
    }
  }
  return undefined;
}
