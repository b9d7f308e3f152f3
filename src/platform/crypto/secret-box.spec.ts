import { KeyedHash, SecretBox, SecretBoxOpenError } from './secret-box';

const SECRET = 'a-test-key-encryption-secret-of-32-chars';

describe('SecretBox: AES-256-GCM under a key per purpose, bound to its context', () => {
  const box = new SecretBox(SECRET, 'mail');

  it('opens what it sealed, and never writes the plaintext', () => {
    const sealed = box.seal('alice@example.com', 'delivery-1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('alice');
    expect(box.open(sealed, 'delivery-1')).toBe('alice@example.com');
  });

  it('seals the same text differently each time (a fresh IV)', () => {
    expect(box.seal('x', 'c')).not.toBe(box.seal('x', 'c'));
  });

  it('refuses another context, another purpose, another secret and altered bytes', () => {
    const sealed = box.seal('alice@example.com', 'delivery-1');
    expect(() => box.open(sealed, 'delivery-2')).toThrow(SecretBoxOpenError);
    expect(() => new SecretBox(SECRET, 'email').open(sealed, 'delivery-1')).toThrow(
      SecretBoxOpenError,
    );
    expect(() => new SecretBox(`${SECRET}!`, 'mail').open(sealed, 'delivery-1')).toThrow(
      SecretBoxOpenError,
    );
    const [format, iv, tag, ciphertext] = sealed.split('.');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] ^= 1;
    expect(() =>
      box.open([format, iv, tag, flipped.toString('base64url')].join('.'), 'delivery-1'),
    ).toThrow(SecretBoxOpenError);
    expect(() => box.open('not sealed', 'delivery-1')).toThrow(SecretBoxOpenError);
  });
});

describe('KeyedHash: HMAC-SHA256 under a key per purpose', () => {
  it('is stable for a value, and differs by purpose and secret', () => {
    const hash = new KeyedHash(SECRET, 'email-code');
    expect(hash.of('12345678')).toBe(hash.of('12345678'));
    expect(hash.of('12345678')).not.toBe(hash.of('12345679'));
    expect(new KeyedHash(SECRET, 'email-address').of('12345678')).not.toBe(hash.of('12345678'));
    expect(new KeyedHash(`${SECRET}!`, 'email-code').of('12345678')).not.toBe(hash.of('12345678'));
  });
});
