import { Injectable } from '@nestjs/common';
import { ChallengeStore } from '../challenges/challenge-store';
import type {
  ChallengeBinding,
  ConsumeResult,
  RedeemResult,
  StoredChallenge,
} from '../challenges/challenge';
import type { CredentialClaims, CredentialIssuer } from '../accounts/account';
import type { ClientIdPrefix } from '../config/sections/oid4vp.config';
import { TokenConfig } from '../config/sections/tokens.config';
import { randomToken, sha256Base64Url } from '../platform/crypto/hashing';
import { SecretBox, SecretBoxOpenError } from '../platform/crypto/secret-box';

export type ResponseMode = 'direct_post' | 'direct_post.jwt';
/**
 * A request's course: pending until the wallet answers; then signed_in, refused, or (the account
 * page's) presented, the credential verified and waiting for a browser of the account to link it.
 */
export type RequestStatus = 'pending' | 'presented' | 'signed_in' | 'linked' | 'refused';

/** Random values here are `randomToken(32)`: 43 base64url characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Who may poll a request and redeem its sign-in: the login page's browser (the SHA-256 of its
 * pre-login session) or a script (the SHA-256 of its handle).
 */
export type RequestOwner = { readonly browser: string } | { readonly handle: string };

/** What a request keeps beside its binding: its request object's parts and its outcome. */
export interface Oid4vpRequestPayload {
  readonly state: string;
  readonly nonce: string;
  readonly prefix: ClientIdPrefix;
  readonly clientId: string;
  readonly responseMode: ResponseMode;
  readonly dcqlQuery: Record<string, unknown>;
  /** direct_post.jwt: the request's own ECDH-ES public key (its `kid` is the state). */
  readonly encryptionJwk?: Record<string, unknown>;
  readonly scope: string;
  /** A script's request: the registered client its tokens are for. */
  readonly oauthClientId?: string;
  /** The login page's return_to (a browser's request). */
  readonly returnTo?: string;
  /** The account page's request: the account the credential is linked to, not signed in with. */
  readonly linkTo?: string;
  readonly status: RequestStatus;
  /** Once signed in: whom, by which method key, when. */
  readonly sub?: string;
  readonly methodKey?: string;
  readonly authTime?: number;
}

/** What the state keeps for the response: what the presentation is checked against. */
export interface Oid4vpStatePayload {
  readonly requestId: string;
  readonly nonce: string;
  readonly clientId: string;
  readonly responseMode: ResponseMode;
  readonly dcqlQuery: Record<string, unknown>;
  /**
   * direct_post.jwt: the private JWK the response is encrypted to, sealed (AES-256-GCM under a
   * key derived from KEY_ENCRYPTION_SECRET, bound to the state): the database alone does not
   * decrypt a wallet's answer.
   */
  readonly sealedDecryptionJwk?: string;
  /** The request's binding, to record its outcome with one compare-and-set. */
  readonly owner: ChallengeBinding;
  /** The account page's request: the account to link the credential to. */
  readonly linkTo?: string;
}

export interface Oid4vpResponseCodePayload {
  readonly requestId: string;
}

/**
 * The account page's request, answered: the verified credential, linked to `linkTo` only when a
 * browser signed in to that account redeems the code (the wallet's redirect carries it).
 */
export interface Oid4vpLinkCodePayload {
  readonly requestId: string;
  /** The request's binding, to record its outcome. */
  readonly owner: ChallengeBinding;
  readonly linkTo: string;
  readonly methodKey: string;
  readonly claims: CredentialClaims;
  readonly issuedBy: CredentialIssuer;
}

/** What `settle` needs to find the request: its id and its binding. */
export type RequestRef = Pick<Oid4vpStatePayload, 'requestId' | 'owner'>;

/**
 * An OpenID4VP request as challenges of the one store: the request under its id (polled, and
 * redeemed once by whoever signs in with it), its `state` (the wallet's answer redeemed once,
 * atomically, only after every check passed), and for a browser the same-device `response_code`
 * (OpenID4VP 1.0 §8.2), redeemed only by that browser.
 */
@Injectable()
export class Oid4vpChallenges {
  private readonly keys: SecretBox;

  constructor(
    private readonly store: ChallengeStore,
    tokens: TokenConfig,
  ) {
    this.keys = new SecretBox(tokens.keyEncryptionSecret, 'oid4vp-response-key');
  }

  async issue(
    owner: RequestOwner,
    payload: Omit<Oid4vpRequestPayload, 'status' | 'state' | 'nonce'>,
    decryptionJwk: Record<string, unknown> | undefined,
    state: string,
    ttlSeconds: number,
  ): Promise<{ id: string; nonce: string }> {
    const id = randomToken(32);
    const nonce = randomToken(32);
    const binding = bindingOf(owner);
    await Promise.all([
      this.store.issue<Oid4vpRequestPayload>({
        kind: 'oid4vp_request',
        key: id,
        binding,
        payload: { ...payload, state, nonce, status: 'pending' },
        ttlSeconds,
      }),
      this.store.issue<Oid4vpStatePayload>({
        kind: 'oid4vp_state',
        key: state,
        binding: {},
        payload: {
          requestId: id,
          nonce,
          clientId: payload.clientId,
          responseMode: payload.responseMode,
          dcqlQuery: payload.dcqlQuery,
          ...(decryptionJwk === undefined
            ? {}
            : { sealedDecryptionJwk: this.keys.seal(JSON.stringify(decryptionJwk), state) }),
          ...(payload.linkTo === undefined ? {} : { linkTo: payload.linkTo }),
          owner: binding,
        },
        ttlSeconds,
      }),
    ]);
    return { id, nonce };
  }

  /** The live request `id` (read-only): what its request object is made of, and its status. */
  request(id: string): Promise<StoredChallenge<Oid4vpRequestPayload> | null> {
    if (!TOKEN.test(id)) return Promise.resolve(null);
    return this.store.peek<Oid4vpRequestPayload>('oid4vp_request', id);
  }

  /** The live state (read-only): a refused answer leaves it for the wallet's next try. */
  state(state: string): Promise<StoredChallenge<Oid4vpStatePayload> | null> {
    if (!TOKEN.test(state)) return Promise.resolve(null);
    return this.store.peek<Oid4vpStatePayload>('oid4vp_state', state);
  }

  /** direct_post.jwt: the private JWK of the live state `state` (undefined for direct_post). */
  decryptionJwk(state: string, payload: Oid4vpStatePayload): Record<string, unknown> | undefined {
    if (payload.sealedDecryptionJwk === undefined) return undefined;
    let jwk: string;
    try {
      jwk = this.keys.open(payload.sealedDecryptionJwk, state);
    } catch (error) {
      // Sealed under another KEY_ENCRYPTION_SECRET (rotated since): no longer this server's request.
      if (error instanceof SecretBoxOpenError) return undefined;
      throw error;
    }
    return JSON.parse(jwk) as Record<string, unknown>;
  }

  /**
   * Redeems the (peeked) state once, atomically: a verified answer spends it. Sent with the
   * turn's other answers: under load a batch of them costs two commands, not one each.
   */
  redeemState(state: string): Promise<RedeemResult> {
    return this.store.redeemPeeked('oid4vp_state', state);
  }

  /**
   * Records the request's outcome, once (pending to presented, signed_in or refused; presented to
   * linked or refused): only the answer that redeemed the state (or the link code) gets here, and
   * the poll that reads it comes after.
   */
  settle(
    request: RequestRef,
    changes: Pick<Oid4vpRequestPayload, 'status' | 'sub' | 'methodKey' | 'authTime'>,
    from: RequestStatus = 'pending',
  ): Promise<void> {
    return this.store.advance(
      'oid4vp_request',
      sha256Base64Url(request.requestId),
      request.owner,
      { status: from },
      { ...changes },
    );
  }

  /** Redeems the signed-in request once, for its owner. */
  redeemRequest(id: string, owner: RequestOwner): Promise<ConsumeResult<Oid4vpRequestPayload>> {
    if (!TOKEN.test(id)) return Promise.resolve({ ok: false, reason: 'unknown' });
    return this.store.consume<Oid4vpRequestPayload>('oid4vp_request', id, bindingOf(owner));
  }

  /** OpenID4VP 1.0 §8.2: a response_code for the browser that started the request. */
  async issueResponseCode(requestId: string, owner: ChallengeBinding, ttlSeconds: number) {
    const code = randomToken(32);
    await this.store.issue<Oid4vpResponseCodePayload>({
      kind: 'oid4vp_response_code',
      key: code,
      binding: owner,
      payload: { requestId },
      ttlSeconds,
    });
    return code;
  }

  /**
   * Redeems a response_code for the browser presenting it; presented by another browser it is
   * spent (the redirect was intercepted or the link forwarded) and refused.
   */
  async redeemResponseCode(
    code: string,
    browser: string,
  ): Promise<ConsumeResult<Oid4vpResponseCodePayload>> {
    if (!TOKEN.test(code)) return { ok: false, reason: 'unknown' };
    const result = await this.store.consume<Oid4vpResponseCodePayload>(
      'oid4vp_response_code',
      code,
      { browser: sha256Base64Url(browser) },
    );
    if (!result.ok && result.reason === 'binding_mismatch') {
      await this.store.spend('oid4vp_response_code', code);
    }
    return result;
  }

  /**
   * The account page's answered request: a code for the wallet's redirect, bound to no browser
   * (the phone that holds the wallet may be another than the page's), whose redeemer must be
   * signed in to the account it links to.
   */
  async issueLinkCode(payload: Oid4vpLinkCodePayload, ttlSeconds: number): Promise<string> {
    const code = randomToken(32);
    await this.store.issue<Oid4vpLinkCodePayload>({
      kind: 'oid4vp_link_code',
      key: code,
      binding: {},
      payload,
      ttlSeconds,
    });
    return code;
  }

  /** The live link code `code` (read-only): what the confirmation page shows. */
  peekLinkCode(code: string): Promise<StoredChallenge<Oid4vpLinkCodePayload> | null> {
    if (!TOKEN.test(code)) return Promise.resolve(null);
    return this.store.peek<Oid4vpLinkCodePayload>('oid4vp_link_code', code);
  }

  /** Redeems a link code once, whoever presents it: the caller checks whose browser it is. */
  redeemLinkCode(code: string): Promise<ConsumeResult<Oid4vpLinkCodePayload>> {
    if (!TOKEN.test(code)) return Promise.resolve({ ok: false, reason: 'unknown' });
    return this.store.consume<Oid4vpLinkCodePayload>('oid4vp_link_code', code, {});
  }

  /**
   * Spends a response_code presented by a client with no pre-login session: another browser
   * than the one that asked, so it is spent as redeemResponseCode spends a mismatched one.
   */
  async spendResponseCode(code: string): Promise<void> {
    if (TOKEN.test(code)) await this.store.spend('oid4vp_response_code', code);
  }

  /** Whether `owner` is the one the request is bound to (a read's check before answering). */
  static owns(binding: ChallengeBinding, owner: RequestOwner): boolean {
    const expected = bindingOf(owner);
    return Object.keys(expected).every((field) => binding[field] === expected[field]);
  }
}

export function bindingOf(owner: RequestOwner): ChallengeBinding {
  return 'browser' in owner
    ? { browser: sha256Base64Url(owner.browser) }
    : { handle: sha256Base64Url(owner.handle) };
}

/** A new state: also the `kid` of a direct_post.jwt request's key. */
export function newState(): string {
  return randomToken(32);
}
