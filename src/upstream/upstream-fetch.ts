import type { CustomFetch, CustomFetchOptions } from 'openid-client';
import { DuplicateMemberName, parseJson } from '../platform/http/json-duplicate-names';
import { GuardedFetcher, OutboundFetchError } from '../platform/http/outbound/guarded-fetcher';

/** What one request to a provider may take and bring back. */
export const UPSTREAM_FETCH_LIMITS = {
  /** Discovery documents, JWK Sets, token and user answers are a few kilobytes. */
  maxBytes: 256 * 1024,
  /** Name resolution, connection and answer: a provider that holds longer is down. */
  timeoutMs: 10_000,
} as const;

/**
 * Sent with every request, instead of the library's own: GitHub's API refuses a request without a
 * User-Agent, and a provider's operator sees whose requests these are.
 */
const USER_AGENT = 'Proofgate (OpenID Connect relying party)';

/** HTTP statuses whose answers have no body (the Fetch API's Response refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export interface UpstreamFetchPolicy {
  readonly production: boolean;
  /**
   * The hosts the operator named for this provider (its issuer, its configured endpoints): in
   * production only these may resolve to a private address (a company's identity provider on its
   * own network); a host a discovery document adds must be public.
   */
  readonly operatorHosts: ReadonlySet<string>;
}

/**
 * openid-client's requests (discovery, JWKS, token, user info) through the SSRF guard and the
 * hosts-file resolver of platform/http/outbound, instead of the global fetch: the address each
 * host resolves to is checked and pinned, redirects are never followed, and size and time are
 * limited. In production every request is https, whatever a discovery document names. A JSON
 * answer that names a member twice, or whose ID token's claims do, is refused
 * (UpstreamAnswerRefused).
 */
export function upstreamFetch(fetcher: GuardedFetcher, policy: UpstreamFetchPolicy): CustomFetch {
  return async (url: string, options: CustomFetchOptions): Promise<Response> => {
    const target = new URL(url);
    if (policy.production && target.protocol !== 'https:') {
      throw new OutboundFetchError(`scheme ${target.protocol} is not fetched in production`);
    }
    const answer = await fetcher.exchange(
      target,
      {
        method: options.method,
        headers: { ...options.headers, 'user-agent': USER_AGENT },
        ...bodyOf(options.body),
      },
      {
        ...UPSTREAM_FETCH_LIMITS,
        allowPrivate: !policy.production || policy.operatorHosts.has(target.host),
        accept: 'application/json',
      },
    );
    return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.body, {
      status: statusOf(options.method, answer.status, jsonOf(answer.body)),
      headers: answer.headers,
    });
  };
}

/**
 * An answer that names a member twice in one object, refused whatever it answers (discovery, a
 * JWK Set, tokens, user info), as is a token answer whose ID token's claims do: openid-client's
 * JSON.parse would keep the last value silently, where the provider's other clients may read the
 * first. The sign-in fails as an answer that makes no sense does (`provider_answer_invalid`), and
 * the log line names the member.
 */
export class UpstreamAnswerRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamAnswerRefused';
  }
}

/**
 * The answer's JSON, or undefined when it is none (a JWT, a form, nothing: openid-client judges
 * those); one that names a member twice, in itself or in the claims of its ID token, is refused
 * (UpstreamAnswerRefused).
 */
function jsonOf(body: Buffer): unknown {
  let answer: unknown;
  try {
    answer = parseJson(body.toString('utf8'));
  } catch (error) {
    if (error instanceof DuplicateMemberName) {
      throw new UpstreamAnswerRefused(`the answer ${error.message}`);
    }
    return undefined;
  }
  checkIdTokenClaims(answer);
  return answer;
}

/** A compact JWS: three base64url segments (a JWE, of five, is openid-client's to judge). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*$/;

/**
 * OpenID Connect Core §3.1.3.7: the token answer's `id_token`, whose claims (`sub`, `nonce`,
 * `aud`) openid-client parses later with JSON.parse, which keeps the last of two `sub`s silently:
 * its payload segment is read here and refused when it names a member twice. Claims that are no
 * JSON are left to openid-client, which refuses them.
 */
function checkIdTokenClaims(answer: unknown): void {
  if (typeof answer !== 'object' || answer === null || !('id_token' in answer)) return;
  const { id_token: idToken } = answer;
  const segment = typeof idToken === 'string' ? COMPACT_JWS.exec(idToken)?.[1] : undefined;
  if (segment === undefined) return;
  try {
    parseJson(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch (error) {
    if (error instanceof DuplicateMemberName) {
      throw new UpstreamAnswerRefused(`the answer's id_token ${error.message}`);
    }
  }
}

/**
 * RFC 6749 §5.2: a token endpoint's error is a 400 with `error`. GitHub answers its errors (a
 * code already used, a wrong secret) with 200 and `error`: read as the 400 it stands for, so the
 * provider's refusal is told as one, not as an answer that makes no sense.
 */
function statusOf(method: string, status: number, answer: unknown): number {
  if (method !== 'POST' || status !== 200) return status;
  const fields = typeof answer === 'object' && answer !== null ? answer : {};
  return 'error' in fields && !('access_token' in fields) ? 400 : status;
}

/** openid-client sends form bodies (URLSearchParams) or none. */
function bodyOf(body: CustomFetchOptions['body']): { body?: string | Buffer } {
  if (body === undefined || body === null) return {};
  if (typeof body === 'string') return { body };
  if (body instanceof URLSearchParams) return { body: body.toString() };
  if (body instanceof Uint8Array) return { body: Buffer.from(body) };
  if (body instanceof ArrayBuffer) return { body: Buffer.from(body) };
  throw new OutboundFetchError('a streamed request body is not sent');
}
