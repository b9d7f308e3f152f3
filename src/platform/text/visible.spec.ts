import { visible } from './visible';

describe('visible', () => {
  it('writes out controls and format characters, and leaves every other character as it is', () => {
    expect(visible('evil\u202Egpj.com')).toBe('evil\\u{202e}gpj.com');
    expect(visible('a\u200Bb\u00ADc\u0000d\te')).toBe('a\\u{200b}b\\u{ad}c\\u{0}d\\u{9}e');
    expect(visible('alice@exämple.com 你好 😀')).toBe('alice@exämple.com 你好 😀');
  });
});
