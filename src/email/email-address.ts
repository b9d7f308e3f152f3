import { toASCII, toUnicode, type Uts46Options } from 'tr46';
import { isEmail } from 'class-validator';

/**
 * RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its angle brackets, so an address is at
 * most 254 (counted in the form mail is sent to: the domain in its ASCII, punycode form).
 */
export const EMAIL_MAX_LENGTH = 254;

/** Unicode controls and format characters (U+202E RIGHT-TO-LEFT OVERRIDE, U+200B, U+00AD...). */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;
/** RFC 5321 §4.1.2's local parts are ASCII; RFC 6531 (SMTPUTF8) is not sent. */
const NON_ASCII = /[^\p{ASCII}]/u;
/**
 * RFC 5322 §3.2.3's dot-atom: atext runs joined by single dots. What RFC 5321 §4.1.2 also allows
 * is a quoted string, which its §4.1.2 says SHOULD NOT be used and which is refused here: mail
 * libraries unquote it on sending (`"b\ob"@`, `"bob "@` and `bob@` are one inbox), so each
 * spelling would be one more account and one more mail budget for that inbox, and
 * `"victim@gmail.com"@attacker.example` would be an `email_verified` claim that a loose reader
 * takes for another person's address.
 */
const DOT_ATOM_LOCAL_PART =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

export type NormalizedEmail =
  | { readonly ok: true; readonly address: string }
  | { readonly ok: false; readonly problem: string };

/**
 * UTS #46 as the URL standard applies it to a host (its "domain to ASCII", not strict): mapping,
 * the Bidi and joiner rules, deviation characters kept (`straße.de` is not `strasse.de`), every
 * `xn--` label decoded and checked. By tr46, pinned, not by Node's `url.domainToASCII`, whose
 * Unicode tables and processing change with the Node major (Node 20 and 22 mapped `ß` to `ss`,
 * Node 24 keeps it, and each refuses letters another takes): one address is one key on every
 * Node a fleet runs, through every upgrade of it.
 */
const UTS46: Uts46Options = {
  checkBidi: true,
  checkHyphens: false,
  checkJoiners: true,
  transitionalProcessing: false,
  useSTD3ASCIIRules: false,
  verifyDNSLength: false,
};

/**
 * The address as accounts, limits and bindings know it, so that one mailbox is one key:
 * - trimmed, and lower-cased whole. RFC 5321 lets a mailbox's local part be case-sensitive, but
 *   no provider people use treats it so, and two accounts for `Alice@` and `alice@` would be one
 *   inbox with two owners;
 * - its domain in the ASCII form UTS #46 gives it (UTS46, below): `a@exämple.com` and
 *   `a@xn--exmple-cua.com` are one mailbox, so one account, one method key and one mail budget;
 * - refused with a control or format character anywhere (`\p{Cc}`, `\p{Cf}`: a U+202E would make
 *   the address read otherwise on the account page and in the admin CLI), as `binding_message` is;
 * - refused with a local part that is not ASCII: mail is sent over plain SMTP, never SMTPUTF8
 *   (RFC 6531), which few providers relay, and a Unicode local part could pose as another's
 *   (`pаypal@` with a Cyrillic `а`) where UTS #46 gives the domain no such form;
 * - refused with a quoted local part (DOT_ATOM_LOCAL_PART says why).
 */
export function normalizeEmail(input: string): NormalizedEmail {
  const trimmed = input.trim();
  if (INVISIBLE.test(trimmed)) {
    return refused('must not contain control or format characters (such as U+202E or U+200B)');
  }
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return refused('must be an email address');
  const local = trimmed.slice(0, at);
  if (NON_ASCII.test(local)) {
    return refused(
      'must have an ASCII part before the @ (internationalised mailboxes are not sent)',
    );
  }
  if (!DOT_ATOM_LOCAL_PART.test(local)) {
    return refused(
      "must have a plain part before the @: letters, digits, dots between them and !#$%&'*+-/=?^_`{|}~ (no quotes, spaces or backslashes)",
    );
  }
  const domain = toASCII(trimmed.slice(at + 1), UTS46);
  if (domain === null || domain === '') return refused('must have a valid domain after the @');
  const address = `${local.toLowerCase()}@${domain}`;
  if (address.length > EMAIL_MAX_LENGTH) {
    return refused(`must be at most ${EMAIL_MAX_LENGTH} characters, its domain in ASCII form`);
  }
  if (!isEmail(address, { allow_display_name: false, allow_ip_domain: false })) {
    return refused('must be an email address');
  }
  return { ok: true, address };
}

/** Whether `value` is an address normalizeEmail takes. */
export function isNormalizableEmail(value: unknown): value is string {
  return typeof value === 'string' && normalizeEmail(value).ok;
}

/** Why `value` is not an address normalizeEmail takes, as a validation message ends. */
export function emailProblemOf(value: unknown): string {
  if (typeof value !== 'string') return 'must be a string';
  const normalized = normalizeEmail(value);
  return normalized.ok ? '' : normalized.problem;
}

/**
 * The address an input names, normalised (see normalizeEmail). For inputs validated at the edge
 * already (the DTOs' EmailAddressField): a refused one here is a programming error.
 */
export function canonicalEmail(input: string): string {
  const normalized = normalizeEmail(input);
  if (!normalized.ok) throw new Error(`Not a valid email address: ${normalized.problem}`);
  return normalized.address;
}

/**
 * The mailbox a normalised address delivers to, as the mail budget counts it: the subaddress
 * removed (RFC 5233: `victim+1@` and `victim+2@` are `victim@`'s inbox), and at Gmail (whose
 * addresses ignore dots, and whose two domains are one) the dots of the local part too. Accounts
 * stay keyed by the whole address: a person may keep `me+work@` and `me@` apart on purpose.
 */
export function mailboxOf(address: string): string {
  const at = address.lastIndexOf('@');
  let local = address.slice(0, at);
  let domain = address.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (domain === 'gmail.com' || domain === 'googlemail.com') {
    local = local.replaceAll('.', '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

/**
 * The form a release before addresses were normalised (before 2026-11-28) may have stored a
 * normalised `address` under: its domain in Unicode, as typed then, when it has a punycode label.
 * Undefined when the stored form could only be `address` itself.
 */
export function unnormalizedFormOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  if (!domain.split('.').some((label) => label.startsWith('xn--'))) return undefined;
  const { domain: unicode, error } = toUnicode(domain, UTS46);
  return unicode === domain || error ? undefined : `${address.slice(0, at)}@${unicode}`;
}

function refused(problem: string): NormalizedEmail {
  return { ok: false, problem };
}
