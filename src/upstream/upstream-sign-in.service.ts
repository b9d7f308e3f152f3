import { Injectable, Logger } from '@nestjs/common';
import { ChallengeRejected } from '../challenges/challenge.events';
import { UpstreamConfig, type UpstreamProvider } from '../config/sections/upstream.config';
import { redact } from '../platform/crypto/hashing';
import { DomainEvents, SecurityEventDetected } from '../platform/events/domain-events';
import { ProofVerified } from '../proofs/proof.events';
import { checkIssuer } from './check-issuer';
import { UpstreamRelyingParty, type UpstreamIdentity } from './upstream-relying-party';
import { UpstreamStates } from './upstream-states';
import { UpstreamRefusal, type UpstreamRefusalReason } from './upstream.errors';

/** A sign-in at a provider about to start, from the login page or the account page. */
export interface UpstreamStart {
  readonly providerId: string;
  /** The browser's pre-login session id (the challenge is bound to its hash). */
  readonly presession: string;
  /** Where the login page goes next, already checked by `safeReturnTo`. */
  readonly returnTo: string;
  /** A link's: the subject of the session that asked for it (none: a sign-in). */
  readonly account?: string;
  /** How recent a sign-in at the provider this one needs (`max_age`; OpenID Connect only). */
  readonly maxAge?: number;
}

/** The provider's answer at the callback, as the browser brought it. */
export interface UpstreamCallback {
  readonly providerId: string;
  /** The browser's pre-login session id, when it sent its cookie. */
  readonly presession: string | undefined;
  /** The subject of the browser's live session, if any (a link's state needs the same one). */
  readonly session: string | null;
  /** The callback's query, as sent (`code`, `state`, `iss`, or `error`). */
  readonly query: string;
}

/** A sign-in at a provider, proven: who, where to go next, and for a link, which account. */
export interface UpstreamSignedIn {
  readonly identity: UpstreamIdentity;
  readonly returnTo: string;
  readonly account?: string;
}

/** RFC 6749 §4.1.2.1: the user (or the provider on their behalf) refused. */
const ACCESS_DENIED = 'access_denied';

/**
 * The refusals that are the sign-in's challenge failing its checks (the state, its binding, the
 * provider's iss, the nonce in the ID token), counted as its rejections on /challenge-models. A
 * cancel, a provider's refusal or a provider down is no attempt on the challenge.
 */
const CHALLENGE_REFUSALS: ReadonlySet<UpstreamRefusalReason> = new Set([
  'state_unknown',
  'state_expired',
  'state_used',
  'other_browser',
  'link_needs_recent_sign_in',
  'mix_up',
  'missing_iss',
  'id_token_invalid',
]);

/**
 * A sign-in at an upstream identity provider, as the RFCs' checklist: the start issues the state
 * (with the nonce and PKCE verifier) and sends the browser to the provider; the callback redeems
 * the state once, checks RFC 9207's iss, reads the provider's error if any, and has the code
 * exchanged and the ID token proven. Every end but success is an UpstreamRefusal, and each
 * callback's outcome is a ProofVerified of the `upstream` model.
 */
@Injectable()
export class UpstreamSignIn {
  private readonly logger = new Logger(UpstreamSignIn.name);

  constructor(
    private readonly config: UpstreamConfig,
    private readonly states: UpstreamStates,
    private readonly relyingParty: UpstreamRelyingParty,
    private readonly events: DomainEvents,
  ) {}

  /** The authorization request's URL at the provider (RFC 6749 §4.1.1), its state issued. */
  async start(start: UpstreamStart): Promise<string> {
    try {
      // Inside: an unknown provider's refusal ends where the start's would (a link's: its page).
      const provider = this.providerOf(start.providerId);
      const issued = await this.states.issue(
        {
          providerId: provider.id,
          presession: start.presession,
          ...(start.account === undefined ? {} : { account: start.account }),
        },
        start.returnTo,
        { withNonce: provider.kind === 'oidc', ttlSeconds: this.config.stateTtlSeconds },
      );
      return await this.relyingParty.authorizationUrl(provider, issued, start.maxAge);
    } catch (error) {
      throw error instanceof UpstreamRefusal
        ? error.returningTo(start.returnTo, start.account !== undefined)
        : error;
    }
  }

  /** The callback (RFC 6749 §4.1.2): who signed in, or why nobody did. */
  async complete(callback: UpstreamCallback): Promise<UpstreamSignedIn> {
    const started = performance.now();
    try {
      const signedIn = await this.prove(callback);
      this.events.emit(new ProofVerified('upstream', 'success', seconds(started)));
      return signedIn;
    } catch (error) {
      if (error instanceof UpstreamRefusal) {
        this.logger.warn(`Upstream sign-in at ${callback.providerId} refused: ${error.reason}`);
        this.events.emit(new ProofVerified('upstream', error.reason, seconds(started)));
        if (CHALLENGE_REFUSALS.has(error.reason)) {
          this.events.emit(new ChallengeRejected('upstream_state', error.reason));
        }
      } else {
        this.events.emit(new ProofVerified('upstream', 'server_error', seconds(started)));
      }
      throw error;
    }
  }

  private async prove(callback: UpstreamCallback): Promise<UpstreamSignedIn> {
    const provider = this.providerOf(callback.providerId);
    const response = new URLSearchParams(callback.query);
    // A state this browser did not start: nothing to redeem (login CSRF, RFC 6749 §10.12).
    const state = response.get('state');
    if (state === null) throw new UpstreamRefusal('state_unknown');
    if (callback.presession === undefined) throw new UpstreamRefusal('other_browser');
    const binding = { providerId: provider.id, presession: callback.presession };
    const redeemed = await this.states.redeem(state, binding, callback.session);
    if (!redeemed.ok) {
      switch (redeemed.reason) {
        case 'unknown':
          throw new UpstreamRefusal('state_unknown');
        case 'expired':
          throw new UpstreamRefusal('state_expired');
        case 'replayed':
          await this.events.emitAndWait(
            new SecurityEventDetected('upstream_state_replay', {
              provider: provider.id,
              state: redact(state),
            }),
          );
          throw new UpstreamRefusal('state_used');
        case 'binding_mismatch':
          // A link's, in its browser, whose session is no longer the account that asked for it.
          if (redeemed.mismatched.every((field) => field === 'account')) {
            throw new UpstreamRefusal('link_needs_recent_sign_in', undefined, true);
          }
          // Another browser, or another provider's callback.
          throw new UpstreamRefusal('other_browser');
      }
    }
    const { payload, binding: bound } = redeemed.challenge;
    const account = bound.account;
    try {
      const identity = await this.proveResponse(provider, response, callback.query, {
        state,
        codeVerifier: payload.codeVerifier,
        ...(payload.nonce === undefined ? {} : { nonce: payload.nonce }),
      });
      return { identity, returnTo: payload.returnTo, ...(account ? { account } : {}) };
    } catch (error) {
      throw error instanceof UpstreamRefusal
        ? error.returningTo(payload.returnTo, account !== undefined)
        : error;
    }
  }

  /** The provider's answer to this very sign-in, its state already redeemed. */
  private async proveResponse(
    provider: UpstreamProvider,
    response: URLSearchParams,
    query: string,
    checks: { state: string; nonce?: string; codeVerifier: string },
  ): Promise<UpstreamIdentity> {
    const iss = response.get('iss');
    // RFC 9207 §2.4: another provider's iss is a mix-up, before anything is asked of anyone.
    if (checkIssuer(iss, provider.issuer, undefined) === 'mix_up') {
      throw new UpstreamRefusal('mix_up');
    }
    // §2.4 and §3: a missing iss where the provider advertises it, error responses included.
    const advertised = await this.relyingParty.advertisesIssuer(provider);
    if (checkIssuer(iss, provider.issuer, advertised) === 'missing') {
      throw new UpstreamRefusal('missing_iss');
    }
    const error = response.get('error');
    if (error !== null)
      throw new UpstreamRefusal(error === ACCESS_DENIED ? 'cancelled' : 'refused');
    const callback = new URL(`${this.relyingParty.redirectUri(provider)}?${query}`);
    return this.relyingParty.identity(provider, callback, checks);
  }

  private providerOf(id: string): UpstreamProvider {
    const provider = this.config.providers.find((candidate) => candidate.id === id);
    if (!provider) throw new UpstreamRefusal('unknown_provider');
    return provider;
  }
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}
