import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import type { ChallengeBinding, ConsumeResult } from '../../challenges/challenge';
import { randomToken, sha256Base64Url } from '../../platform/crypto/hashing';
import { SIGN_IN_MARKER_PARAM } from '../request-rules/authorization-parameters';

/** How long a marker counts: the time a user may take on the login page. */
export const SIGN_IN_MARKER_TTL_SECONDS = 600;

/** A marker key is `randomToken(32)`: 256 bits, 43 base64url characters. */
const MARKER_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * The browser an authorization request came from, named by its pre-login session (the
 * `pg_presession` cookie of platform/csrf, which the login page's CSRF tokens and wallet nonces
 * are bound to as well).
 */
export interface RequestingBrowser {
  /** Its pre-login session id, when it sent one. */
  readonly presession: string | undefined;
  /** Its pre-login session id, started (the cookie set on the response) when it sent none. */
  startPresession(): string;
}

/** The authorization request a marker is for: its client, its browser and its URL. */
export interface MarkedRequest {
  readonly clientId: string;
  /** The browser's pre-login session id (never stored: its SHA-256 is). */
  readonly presession: string;
  /** The /authorize URL as the browser sent it (path and query; the marker is left out). */
  readonly url: string;
}

/** A redeemed marker tells when this browser was sent to sign in for this request. */
export type MarkerRedemption =
  { ok: true; since: Date } | Exclude<ConsumeResult<unknown>, { ok: true }>;

/** What a marker keeps besides its binding. */
interface SignInMarkerPayload {
  /** ISO time; absent: the marker's own issue time. */
  readonly since?: string;
}

/**
 * `prompt=login` and `max_age=0` ask for a sign-in newer than the request; the request comes back
 * from /login with the same parameters, so it must say that it already sent the user to sign in.
 * The marker is a single-use challenge in the one store, bound to the client, to the SHA-256 of
 * the browser's pre-login session and to the SHA-256 of the request's URL (without the marker):
 * only the browser that was sent away, coming back with that very request, redeems it, once. A
 * marker copied to another browser, or presented again for a second `prompt=login` request with
 * the same parameters, counts for nothing, and the user is asked to sign in again. A marker only
 * ever admits a session whose sign-in is newer than the moment it was issued.
 */
@Injectable()
export class SignInMarkers {
  constructor(private readonly store: ChallengeStore) {}

  /**
   * Issues the marker for `request` and answers its key for the way back. `since` carries an
   * earlier marker's moment over to a later step of the same request (the consent screen).
   */
  async mint(request: MarkedRequest, since?: Date): Promise<string> {
    const key = randomToken(32);
    await this.store.issue<SignInMarkerPayload>({
      kind: 'sign_in_marker',
      key,
      binding: bindingOf(request),
      payload: since === undefined ? {} : { since: since.toISOString() },
      ttlSeconds: SIGN_IN_MARKER_TTL_SECONDS,
    });
    return key;
  }

  /**
   * Redeems the marker `key` if it is live, unspent and bound to this very request: when the
   * browser was sent to sign in for it. A key of the wrong shape is `unknown` without a lookup.
   */
  async redeem(key: string, request: MarkedRequest): Promise<MarkerRedemption> {
    if (!MARKER_KEY.test(key)) return { ok: false, reason: 'unknown' };
    const result = await this.store.consume<SignInMarkerPayload>(
      'sign_in_marker',
      key,
      bindingOf(request),
    );
    if (!result.ok) return result;
    const { payload, createdAt } = result.challenge;
    return { ok: true, since: payload.since === undefined ? createdAt : new Date(payload.since) };
  }
}

function bindingOf({ clientId, presession, url }: MarkedRequest): ChallengeBinding {
  return {
    client_id: clientId,
    browser: sha256Base64Url(presession),
    request: sha256Base64Url(requestWithoutMarker(url)),
  };
}

/**
 * The request's query without the marker, in one spelling (URLSearchParams'): the way back is the
 * same request re-serialised with the marker set, and must hash as the request did on the way out.
 */
export function requestWithoutMarker(url: string): string {
  const at = url.indexOf('?');
  const query = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  query.delete(SIGN_IN_MARKER_PARAM);
  return `${at < 0 ? url : url.slice(0, at)}?${query.toString()}`;
}

/** `url` (path and query) with the marker `key` set. */
export function withMarker(url: string, key: string): string {
  const at = url.indexOf('?');
  const query = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  query.set(SIGN_IN_MARKER_PARAM, key);
  return `${at < 0 ? url : url.slice(0, at)}?${query.toString()}`;
}
