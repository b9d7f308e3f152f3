import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import type { ConsumeResult } from '../../challenges/challenge';
import { randomToken } from '../../platform/crypto/hashing';
import { InvalidRequest } from '../../platform/errors/protocol-error';
import {
  HELD_REQUEST_PARAM,
  type AuthorizationParameters,
} from '../request-rules/authorization-parameters';
import { SIGN_IN_MARKER_TTL_SECONDS } from './sign-in-marker';

/**
 * As long as a sign-in marker: the time a user may take on the login and consent pages, for a
 * request held from the start or a pushed one moved here.
 */
export const HELD_REQUEST_TTL_SECONDS = SIGN_IN_MARKER_TTL_SECONDS;

/** A key is `randomToken(32)`: 256 bits, 43 base64url characters. */
const HELD_KEY = /^[A-Za-z0-9_-]{43}$/;

/** The way back to the held request `key` of `clientId`: a GET of /authorize. */
export function heldRequestPath(clientId: string, key: string): string {
  return `/authorize?${new URLSearchParams({ client_id: clientId, [HELD_REQUEST_PARAM]: key }).toString()}`;
}

/**
 * An authorization request /authorize checked and keeps while the user signs in and consents,
 * when the request cannot simply come back as the same GET: one sent as a form POST (OpenID
 * Connect Core §3.1.2.1), in a request object (RFC 9101), which would have to be verified
 * again and might expire on the login page (oauth4webapi's live for a minute), or pushed (RFC
 * 9126), whose `request_uri` is redeemed as the request moves here: its `expires_in` (60 s)
 * bounds when the request may start, not how long the user may take. Kept in the
 * challenge store (kind `authorization_request`) under the SHA-256 of a 256-bit key, bound to its
 * client, for HELD_REQUEST_TTL_SECONDS; the way back from /login and the consent screen is
 * `GET /authorize?client_id=…&pg_request=<key>` (heldRequestPath), to which a sign-in marker
 * binds as to any request URL. Read while the user signs in and consents, redeemed (one atomic
 * consume) when the code is issued: a held request yields at most one code, as a pushed one does.
 */
@Injectable()
export class HeldAuthorizationRequests {
  constructor(private readonly store: ChallengeStore) {}

  /** Keeps the checked `parameters` of `clientId`'s request: the key of the way back. */
  async hold(clientId: string, parameters: AuthorizationParameters): Promise<string> {
    const key = randomToken(32);
    await this.store.issue<AuthorizationParameters>({
      kind: 'authorization_request',
      key,
      binding: { client_id: clientId },
      payload: parameters,
      ttlSeconds: HELD_REQUEST_TTL_SECONDS,
    });
    return key;
  }

  /** The live request held under `key` for `clientId` (read only). */
  async find(clientId: string, key: string): Promise<AuthorizationParameters> {
    if (!HELD_KEY.test(key)) throw refusal({ ok: false, reason: 'unknown' });
    const live = await this.store.peek<AuthorizationParameters>('authorization_request', key);
    if (live && live.binding.client_id === clientId) return live.payload;
    if (live) throw refusal({ ok: false, reason: 'binding_mismatch', mismatched: ['client_id'] });
    // Not live: ask the store why, which changes nothing for a challenge that is not live.
    throw refusal(await this.store.consume('authorization_request', key, { client_id: clientId }));
  }

  /** Spends the held request as its code is issued. */
  async redeem(clientId: string, key: string): Promise<void> {
    const result = await this.store.consume('authorization_request', key, { client_id: clientId });
    if (!result.ok) throw refusal(result);
  }
}

/**
 * A held request that is unknown, expired, used or another client's: `invalid_request`, shown as
 * a page (without the held request there is no trustworthy redirect URI).
 */
export class StaleAuthorizationRequest extends InvalidRequest {}

function refusal(result: ConsumeResult<unknown>): StaleAuthorizationRequest {
  if (result.ok) throw new Error('A live held request cannot be refused');
  const again = 'start again from the application';
  switch (result.reason) {
    case 'expired':
      return new StaleAuthorizationRequest(`The authorization request expired: ${again}`).because(
        'expired',
      );
    case 'replayed':
      return new StaleAuthorizationRequest(
        `The authorization request was already answered: ${again}`,
      ).because('replay');
    case 'binding_mismatch':
      return new StaleAuthorizationRequest(
        'The pending authorization request is another client’s',
      ).because('client_mismatch');
    case 'unknown':
      return new StaleAuthorizationRequest(
        `The authorization request is not pending here: ${again}`,
      ).because('unknown');
  }
}
