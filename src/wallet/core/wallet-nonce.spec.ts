import { WALLET_NONCE_LENGTH, generateWalletNonce } from './wallet-nonce';

describe('generateWalletNonce', () => {
  it('returns 22 alphanumeric characters (EIP-4361 nonce grammar, ≥ 96 bits)', () => {
    const nonce = generateWalletNonce();
    expect(nonce).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(WALLET_NONCE_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(96);
  });

  it('never repeats and uses the whole base62 alphabet', () => {
    const nonces = Array.from({ length: 2000 }, () => generateWalletNonce());
    expect(new Set(nonces).size).toBe(nonces.length);
    expect(new Set(nonces.join('')).size).toBe(62);
  });

  it('honours a requested length', () => {
    expect(generateWalletNonce(40)).toHaveLength(40);
  });
});
