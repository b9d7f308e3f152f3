import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';
import { PrivateKeyCipher, PrivateKeyDecryptionError } from './private-key-cipher';

const SECRET = 'unit-test-key-encryption-secret-0123456789';
const PLAINTEXT = JSON.stringify({ kty: 'EC', crv: 'P-256', d: 'private-scalar-value-abcdef' });
const AAD = 'proofgate-signing-key:kid-1:ES256';

describe('PrivateKeyCipher', () => {
  const cipher = new PrivateKeyCipher(SECRET);

  it('opens what it sealed, and the box does not contain the plaintext', async () => {
    const box = await cipher.seal(PLAINTEXT, AAD);

    expect(await cipher.open(box, AAD)).toBe(PLAINTEXT);
    expect(box.v).toBe(1);
    expect(JSON.stringify(box)).not.toContain('private-scalar-value');
    expect(Buffer.from(box.ciphertext, 'base64url').toString('utf8')).not.toContain('"d"');
  });

  it('uses a fresh IV for every box, under the one salt this process seals with', async () => {
    const [a, b] = await Promise.all([cipher.seal(PLAINTEXT, AAD), cipher.seal(PLAINTEXT, AAD)]);

    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.salt).toBe(b.salt);
    expect(Buffer.from(a.salt, 'base64url')).toHaveLength(16);
  });

  it('opens a box sealed under another salt: another instance’s, or one sealed before', async () => {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const key = scryptSync(SECRET, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const gcm = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(AAD));
    const ciphertext = Buffer.concat([gcm.update(PLAINTEXT, 'utf8'), gcm.final()]);
    const box = {
      v: 1 as const,
      salt: salt.toString('base64url'),
      iv: iv.toString('base64url'),
      tag: gcm.getAuthTag().toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
    };

    expect(box.salt).not.toBe((await cipher.seal(PLAINTEXT, AAD)).salt);
    expect(await cipher.open(box, AAD)).toBe(PLAINTEXT);
    await expect(
      new PrivateKeyCipher('another-key-encryption-secret-0123456789').open(box, AAD),
    ).rejects.toBeInstanceOf(PrivateKeyDecryptionError);
  });

  it('refuses to open with a different secret', async () => {
    const box = await cipher.seal(PLAINTEXT, AAD);
    const other = new PrivateKeyCipher('another-key-encryption-secret-0123456789');

    await expect(other.open(box, AAD)).rejects.toBeInstanceOf(PrivateKeyDecryptionError);
  });

  it('refuses a box moved to another key (different associated data)', async () => {
    const box = await cipher.seal(PLAINTEXT, AAD);

    await expect(cipher.open(box, 'proofgate-signing-key:kid-2:ES256')).rejects.toBeInstanceOf(
      PrivateKeyDecryptionError,
    );
  });

  it('refuses an altered ciphertext', async () => {
    const box = await cipher.seal(PLAINTEXT, AAD);
    const bytes = Buffer.from(box.ciphertext, 'base64url');
    bytes[0] ^= 0x01;

    await expect(
      cipher.open({ ...box, ciphertext: bytes.toString('base64url') }, AAD),
    ).rejects.toBeInstanceOf(PrivateKeyDecryptionError);
  });
});
