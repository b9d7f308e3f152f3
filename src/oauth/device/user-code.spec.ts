import { USER_CODE_ALPHABET, formatUserCode, newUserCode, normalizeUserCode } from './user-code';

describe('user codes (RFC 8628 §6.1)', () => {
  it('are 8 letters of the alphabet without vowels or look-alikes, shown XXXX-XXXX', () => {
    expect(USER_CODE_ALPHABET).toMatch(/^[^AEIOUY0-9]{20}$/);
    const codes = Array.from({ length: 200 }, () => newUserCode());
    for (const code of codes)
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    // Drawn at random: 200 codes from 2.56e10 do not repeat.
    expect(new Set(codes).size).toBe(200);
  });

  it('are read in any case, with or without the dash and spaces', () => {
    expect(normalizeUserCode('wdjb-mjht')).toBe('WDJBMJHT');
    expect(normalizeUserCode(' WDJB MJHT ')).toBe('WDJBMJHT');
    expect(normalizeUserCode('WdJbMjHt')).toBe('WDJBMJHT');
    expect(formatUserCode('WDJBMJHT')).toBe('WDJB-MJHT');
  });

  it.each([
    ['too short', 'WDJB-MJH'],
    ['too long', 'WDJB-MJHTB'],
    ['a vowel', 'WDJB-MJHA'],
    ['a digit', 'WDJB-MJH1'],
    ['another script', 'WDJB-MJHТ'],
  ])('refuse %s without a lookup', (_label, typed) => {
    expect(normalizeUserCode(typed)).toBeNull();
  });
});
