import type { MethodType } from '../proofs/proof-vocabulary';

/** RFC 8176 §2: `mfa`, the login proved more than one method together (session-amr.ts). */
const MFA = 'mfa';

/**
 * Whether a login is an email code alone: its method is `email` and, where its `amr` is known (a
 * login session), it names no other method proven with it. An access token carries no `amr`, so
 * a token of an email sign-in counts as email alone.
 */
export function isEmailAlone(login: {
  readonly authMethod?: string;
  readonly amr?: readonly string[];
}): boolean {
  return login.authMethod === 'email' && !(login.amr ?? []).includes(MFA);
}

/**
 * An email address recovers an account; it never takes over one that has a stronger key. A login
 * proven by an email code alone changes none of the sign-in methods (adds or removes none, a
 * passkey, wallet, password or address alike) of an account that holds a passkey, a wallet or a
 * password: whoever reads or phishes the inbox would otherwise add their own way in, or remove
 * the owner's. An account whose only methods are addresses has no stronger proof to ask for.
 */
export function emailAloneMayNotChange(
  login: { readonly authMethod?: string; readonly amr?: readonly string[] },
  methodTypes: readonly MethodType[],
): boolean {
  return isEmailAlone(login) && methodTypes.some((type) => type !== 'email');
}

/** What the user is told when it does not. */
export const EMAIL_ALONE_REFUSAL =
  'This account has a passkey, a wallet or a password: a sign-in by email alone cannot change its sign-in methods; sign in with one of those first';
