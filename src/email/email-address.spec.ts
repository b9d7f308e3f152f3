import {
  EMAIL_MAX_LENGTH,
  canonicalEmail,
  mailboxOf,
  normalizeEmail,
  unnormalizedFormOf,
} from './email-address';

const refusal = (input: string) => {
  const normalized = normalizeEmail(input);
  return normalized.ok ? `taken as ${normalized.address}` : normalized.problem;
};

describe('normalizeEmail', () => {
  it('makes one key of an internationalised domain and its punycode (UTS #46), in any letter case', () => {
    for (const input of [
      'a@exämple.com',
      'a@xn--exmple-cua.com',
      ' A@EXÄMPLE.COM ',
      'a@XN--EXMPLE-CUA.com',
      // UTS #46 maps full-width letters to ASCII ones.
      'a@ｅｘäｍｐｌｅ.com',
    ]) {
      expect(canonicalEmail(input)).toBe('a@xn--exmple-cua.com');
    }
    expect(canonicalEmail('Alice.Smith+News@Example.COM')).toBe('alice.smith+news@example.com');
  });

  it('keys a domain the same on every Node: deviation characters kept, not mapped (UTS #46)', () => {
    // Node 20 and 22's url.domainToASCII mapped ß to ss (transitional processing); Node 24's keeps
    // it, as the URL standard now does: two registrable domains, two mailboxes, two keys.
    expect(canonicalEmail('a@straße.de')).toBe('a@xn--strae-oqa.de');
    expect(canonicalEmail('a@STRASSE.de')).toBe('a@strasse.de');
    expect(canonicalEmail('a@xn--strae-oqa.de')).toBe('a@xn--strae-oqa.de');
    // Final sigma too: its own label, not σ's.
    expect(canonicalEmail('a@ας.gr')).toBe('a@xn--mxa8a.gr');
    expect(canonicalEmail('a@ασ.gr')).not.toBe('a@xn--mxa8a.gr');
    // The Bidi rule: a label of right-to-left letters stands alone, not mixed with Latin ones.
    expect(canonicalEmail('a@مثال.com')).toBe('a@xn--mgbh0fb.com');
    expect(refusal('a@aمثالb.com')).toBe('must have a valid domain after the @');
  });

  it('refuses control and format characters anywhere, rather than keying or showing them', () => {
    for (const input of [
      'evil\u202Egpj.com@example.com',
      'a@exa\u202Emple.com',
      'a@ex\u00ADample.com',
      'a\u200B@example.com',
      'a@example.com\u200D',
      'a@exam\u0000ple.com',
    ]) {
      expect(refusal(input)).toBe(
        'must not contain control or format characters (such as U+202E or U+200B)',
      );
    }
  });

  it('refuses a local part that is not ASCII (no SMTPUTF8): a Cyrillic а cannot pose as a Latin a', () => {
    for (const input of ['pаypal@example.com', 'ä@example.com', '用户@example.com']) {
      expect(refusal(input)).toBe(
        'must have an ASCII part before the @ (internationalised mailboxes are not sent)',
      );
    }
  });

  it('refuses a quoted local part: a mailer unquotes it, so each spelling would be the same inbox', () => {
    for (const input of [
      '"bob"@example.net',
      '"b\\ob"@example.net',
      '"bob "@example.net',
      '" bob"@example.net',
      '"victim@gmail.com"@attacker.example',
      'bo"b@example.net',
      'a\\b@example.net',
    ]) {
      expect(refusal(input)).toBe(
        "must have a plain part before the @: letters, digits, dots between them and !#$%&'*+-/=?^_`{|}~ (no quotes, spaces or backslashes)",
      );
    }
    for (const input of ['.bob@example.net', 'bob.@example.net', 'b..ob@example.net']) {
      expect(normalizeEmail(input).ok).toBe(false);
    }
    for (const input of [
      "o'brien@example.net",
      'a.b+c-d_e@example.net',
      'x!#$%&*/=?^`{|}~@example.net',
    ]) {
      expect(normalizeEmail(input)).toEqual({ ok: true, address: input });
    }
  });

  it('refuses what is no address, a domain UTS #46 refuses, and one too long in its ASCII form', () => {
    for (const input of [
      '',
      'a',
      '@example.com',
      'a@',
      'a@b',
      'a@ex ample.com',
      'a@@example.com',
    ]) {
      expect(normalizeEmail(input).ok).toBe(false);
    }
    // Punycode that does not decode, wherever the label stands (Node 24's URL parser kept it).
    for (const input of ['a@xn--zz.com', 'a@xn--a.com', 'a@mail.xn--zz']) {
      expect(refusal(input)).toBe('must have a valid domain after the @');
    }
    // 24 CJK characters a label (54 in punycode): 130 as typed, 280 in ASCII form.
    const label = Array.from({ length: 24 }, (_, i) => String.fromCodePoint(0x4e00 + i * 37)).join(
      '',
    );
    const long = `a@${Array(5).fill(label).join('.')}.com`;
    expect(long.length).toBeLessThanOrEqual(EMAIL_MAX_LENGTH);
    expect(refusal(long)).toBe('must be at most 254 characters, its domain in ASCII form');
  });
});

describe('mailboxOf', () => {
  it('removes the subaddress, so victim+1@ and victim+2@ count as victim@', () => {
    expect(mailboxOf('victim+1@example.com')).toBe('victim@example.com');
    expect(mailboxOf('victim+a+b@example.com')).toBe('victim@example.com');
    expect(mailboxOf('victim@example.com')).toBe('victim@example.com');
    // A local part that is only a subaddress stays itself.
    expect(mailboxOf('+victim@example.com')).toBe('+victim@example.com');
    // Dots name another mailbox elsewhere.
    expect(mailboxOf('v.ictim@example.com')).toBe('v.ictim@example.com');
  });

  it('at Gmail, also drops the dots and takes googlemail.com for gmail.com', () => {
    expect(mailboxOf('v.i.ctim+x@gmail.com')).toBe('victim@gmail.com');
    expect(mailboxOf('victim@googlemail.com')).toBe('victim@gmail.com');
  });
});

describe('unnormalizedFormOf', () => {
  it('gives the Unicode form an earlier release stored a punycode domain under, and nothing otherwise', () => {
    expect(unnormalizedFormOf('a@xn--exmple-cua.com')).toBe('a@exämple.com');
    expect(unnormalizedFormOf('a@mail.xn--exmple-cua.com')).toBe('a@mail.exämple.com');
    expect(unnormalizedFormOf('a@example.com')).toBeUndefined();
  });
});
