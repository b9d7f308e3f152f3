import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../challenges/challenge-store';
import type { ChallengeBinding, ConsumeResult } from '../challenges/challenge';
import { randomToken, sha256Base64Url } from '../platform/crypto/hashing';

/** A state, a nonce and a PKCE verifier are each `randomToken(32)`: 256 bits, 43 characters. */
const STATE = /^[A-Za-z0-9_-]{43}$/;

/** What a sign-in at a provider keeps until its callback, beside its binding. */
export interface UpstreamStatePayload {
  /** OpenID Connect Core §3.1.2.1 `nonce`, which the ID token must carry (none for OAuth 2.0). */
  readonly nonce?: string;
  /** RFC 7636 `code_verifier`, sent with the code to the provider's token endpoint. */
  readonly codeVerifier: string;
  /** Where the login page goes next (already checked by `safeReturnTo`). */
  readonly returnTo: string;
}

/** Whom a sign-in at a provider is for. */
export interface UpstreamStateBinding {
  readonly providerId: string;
  /** The browser's pre-login session id (never stored: its SHA-256 is). */
  readonly presession: string;
  /**
   * For a link from the account page: the subject of the browser's session that started it. The
   * callback redeems it only with that session; a sign-in (no account) with any or none.
   */
  readonly account?: string;
}

/** A sign-in at a provider, issued: what the authorization request carries. */
export interface IssuedUpstreamState {
  readonly state: string;
  readonly nonce?: string;
  readonly codeVerifier: string;
}

/**
 * A sign-in at an upstream provider as one challenge of the one store (kind `upstream_state`): the
 * `state` (RFC 6749 §10.12) is its key, so only its hash is stored; the `nonce` and the PKCE
 * verifier travel with it, and its binding names the provider and the SHA-256 of the browser's
 * pre-login session (the Lax `pg_presession` cookie, sent with the provider's top-level redirect
 * back). The callback redeems it in one atomic operation whose filter checks the binding, that it
 * is unspent and unexpired: a callback replayed, opened in another browser or delivered to
 * another provider's callback redeems nothing, and a binding mismatch leaves it to its browser.
 */
@Injectable()
export class UpstreamStates {
  constructor(private readonly store: ChallengeStore) {}

  async issue(
    binding: UpstreamStateBinding,
    returnTo: string,
    { withNonce, ttlSeconds }: { withNonce: boolean; ttlSeconds: number },
  ): Promise<IssuedUpstreamState> {
    const state = randomToken(32);
    const nonce = withNonce ? randomToken(32) : undefined;
    const codeVerifier = randomToken(32);
    await this.store.issue<UpstreamStatePayload>({
      kind: 'upstream_state',
      key: state,
      binding: {
        ...bindingOf(binding),
        ...(binding.account === undefined ? {} : { account: binding.account }),
      },
      payload: { ...(nonce === undefined ? {} : { nonce }), codeVerifier, returnTo },
      ttlSeconds,
    });
    return { state, ...(nonce === undefined ? {} : { nonce }), codeVerifier };
  }

  /**
   * Redeems `state` if it is live, unspent, issued for this provider to this browser, and, when it
   * is a link's, to this browser's session of the same account (`account`: the subject of the
   * browser's live session, null without one). A state of the wrong shape is `unknown` without a
   * lookup.
   */
  redeem(
    state: string,
    binding: UpstreamStateBinding,
    account: string | null,
  ): Promise<ConsumeResult<UpstreamStatePayload>> {
    if (!STATE.test(state)) return Promise.resolve({ ok: false, reason: 'unknown' });
    return this.store.consume<UpstreamStatePayload>('upstream_state', state, bindingOf(binding), {
      account,
    });
  }
}

function bindingOf({ providerId, presession }: UpstreamStateBinding): ChallengeBinding {
  return { provider: providerId, browser: sha256Base64Url(presession) };
}
