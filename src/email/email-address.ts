/**
 * RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its angle brackets, so an address is at
 * most 254.
 */
export const EMAIL_MAX_LENGTH = 254;

/**
 * The address as accounts, limits and bindings know it: trimmed and lower-cased whole. RFC 5321
 * lets a mailbox's local part be case-sensitive, but no provider people use treats it so, and two
 * accounts for `Alice@` and `alice@` would be one inbox with two owners.
 */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}
