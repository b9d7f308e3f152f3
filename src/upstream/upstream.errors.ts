/**
 * Why a sign-in at an upstream provider ended without one, as the login page (or the account
 * page, for a link) tells it: a bounded set, so a callback's query can name one (the page shows
 * the fixed text, never words from the request) and a metric can count it. No text names a
 * secret: not the state, the code or a token.
 */
export const UPSTREAM_REFUSALS = {
  unknown_provider: 'There is no such sign-in provider here. Choose a way to sign in on this page.',
  cancelled: 'The sign-in was cancelled at the provider. Choose a way to sign in.',
  refused: 'The provider did not sign you in. Try again, or choose another way to sign in.',
  state_unknown:
    'This sign-in did not start on this page, or it has expired. Start again from this page.',
  state_expired: 'The sign-in at the provider took too long. Start again from this page.',
  state_used:
    'This sign-in was already completed or abandoned, and it counts once. Start again from this page.',
  other_browser:
    'This sign-in was started in another browser, or this browser’s cookies were cleared since. Start again from this page, in this browser.',
  mix_up:
    'The answer names another provider than the one this sign-in was sent to, so it was refused. Start again from this page.',
  missing_iss:
    'The provider’s answer does not say which provider sent it, though this provider always says so, so it was refused. Start again from this page.',
  id_token_invalid:
    'The provider’s ID token could not be verified (its signature, audience, expiry or nonce), so it was refused. Try again, or choose another way to sign in.',
  provider_unavailable:
    'The provider could not be reached. Try again later, or choose another way to sign in.',
  provider_answer_invalid:
    'The provider answered something that is not a valid sign-in. Try again later, or choose another way to sign in.',
  too_many_accounts:
    'Too many new accounts were created from your network in the last hour. Try again later, or sign in with an account you already have.',
  account_disabled: 'This account is disabled. Contact the operator of this service.',
  method_removed:
    'This provider account no longer signs in to the account it was linked to. Sign in another way.',
  already_linked: 'This provider account is already linked to another account.',
  too_many_methods: 'This account has as many sign-in methods as it may have. Remove one first.',
  link_needs_recent_sign_in:
    'Linking a provider account needs a recent sign-in of this account (with its passkey, if it has one). Sign in again, then link it.',
} as const;

export type UpstreamRefusalReason = keyof typeof UPSTREAM_REFUSALS;

export function isUpstreamRefusalReason(value: unknown): value is UpstreamRefusalReason {
  return typeof value === 'string' && Object.hasOwn(UPSTREAM_REFUSALS, value);
}

/**
 * A sign-in at a provider that ends on the login page (or the account page, for a link) with
 * `reason`'s text. `returnTo` is the login page's return_to when the sign-in's state told it, so
 * the user starts again where they were; `linking` says the state was a link's.
 */
export class UpstreamRefusal extends Error {
  constructor(
    readonly reason: UpstreamRefusalReason,
    readonly returnTo?: string,
    readonly linking = false,
  ) {
    super(UPSTREAM_REFUSALS[reason]);
    this.name = 'UpstreamRefusal';
  }

  /** The same refusal, now that the sign-in's return_to (and whether it links) is known. */
  returningTo(returnTo: string, linking = false): UpstreamRefusal {
    return new UpstreamRefusal(this.reason, returnTo, linking);
  }
}
