import { namesAdminScope } from './admin-scopes';
import { SSF_SCOPE } from './ssf';

/**
 * The scopes this server grants; `profile` when a client asks for none (RFC 6749 §3.3). `email`:
 * an account's verified address (email sign-in), in the ID token and at the UserInfo endpoint.
 * Besides them: the admin scopes and `ssf` (a client's for itself), and the scopes of the APIs
 * the operator declares (RESOURCE_SERVERS).
 */
export const SUPPORTED_SCOPES = [
  'openid',
  'profile',
  'email',
  'api',
  'account',
  'offline_access',
  'identity',
  'age',
] as const;

/** RFC 6749 §3.3 scope-token: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The most values a client's registered scope may hold (the server grants far fewer). */
export const MAX_CLIENT_SCOPE_VALUES = 100;

/**
 * RFC 7591 §2 `scope` of a client, as registered or configured: "a space-separated list of scope
 * values", normalised (single spaces, each value once, in the order given), or the problem with
 * it. The admin scopes and `ssf` are never among them: an operator gives those with
 * `admin_scopes` and `ssf_receiver`, which a client cannot register. Whether each value is a scope
 * this server grants is `unknownScopes`'s to say.
 */
export function parseClientScope(
  value: unknown,
): { readonly scope: string } | { readonly problem: string } {
  if (typeof value !== 'string') {
    return { problem: 'must be a string of space-separated scope values' };
  }
  const values = value.split(' ').filter((item) => item !== '');
  if (values.length === 0) return { problem: 'must name at least one scope' };
  if (values.length > MAX_CLIENT_SCOPE_VALUES) {
    return { problem: `has more than ${MAX_CLIENT_SCOPE_VALUES} values` };
  }
  if (!values.every((item) => SCOPE_TOKEN.test(item))) {
    return { problem: 'holds a value that is not a scope (RFC 6749 §3.3 syntax)' };
  }
  const privileged = values.filter((item) => namesAdminScope(item) || item === SSF_SCOPE);
  if (privileged.length > 0) {
    return {
      problem: `may not name ${privileged.join(' ')}: admin scopes are given with admin_scopes, the ssf scope with ssf_receiver`,
    };
  }
  return { scope: [...new Set(values)].join(' ') };
}

/**
 * The values of a client's `scope` this server does not grant: neither its own (SUPPORTED_SCOPES)
 * nor a scope of an API the operator declared (`declared`: RESOURCE_SERVERS' scopes).
 */
export function unknownScopes(scope: string, declared: ReadonlySet<string>): string[] {
  return scope
    .split(' ')
    .filter(
      (value) => !(SUPPORTED_SCOPES as readonly string[]).includes(value) && !declared.has(value),
    );
}
