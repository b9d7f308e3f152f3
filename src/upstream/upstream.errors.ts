import { en, type MessageId } from '../platform/i18n/messages/en';
/**
 * Why a sign-in at an upstream provider ended without one, as the login page (or the account
 * page, for a link) tells it: a bounded set, so a callback's query can name one (the page shows
 * the fixed text, never words from the request) and a metric can count it. No text names a
 * secret: not the state, the code or a token.
 */
const REASONS = [
  'unknown_provider',
  'cancelled',
  'refused',
  'state_unknown',
  'state_expired',
  'state_used',
  'other_browser',
  'mix_up',
  'missing_iss',
  'id_token_invalid',
  'provider_unavailable',
  'provider_answer_invalid',
  'too_many_accounts',
  'account_disabled',
  'method_removed',
  'already_linked',
  'too_many_methods',
  'link_needs_recent_sign_in',
] as const;

export const UPSTREAM_REFUSALS = Object.fromEntries(
  REASONS.map((reason) => [reason, en[upstreamRefusalMessage(reason)]]),
) as Readonly<Record<(typeof REASONS)[number], string>>;

/** The reason's text in the catalogues (the English one is UPSTREAM_REFUSALS'). */
export function upstreamRefusalMessage(reason: (typeof REASONS)[number]) {
  return `upstream.refusal.${reason}` as const satisfies MessageId;
}

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
