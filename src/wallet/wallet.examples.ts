/**
 * Example values for the OpenAPI description. The account is development account #0 of Hardhat
 * and Anvil, whose private key is public (never fund it). The message is one a development
 * server (localhost:25000, chain 1) would issue, without an expiration time, signed by that
 * account: "Try it out" on /wallet/verify passes every check up to the nonce, which this server
 * never issued (401 invalid_nonce).
 */
const address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const message = [
  'localhost:25000 wants you to sign in with your Ethereum account:',
  address,
  '',
  'Sign in to Proofgate',
  '',
  'URI: http://localhost:25000',
  'Version: 1',
  'Chain ID: 1',
  'Nonce: 3yKHWG8cmMqC5C3jowdCkY',
  'Issued At: 2026-01-01T00:00:00.000Z',
].join('\n');

export const WALLET_EXAMPLE = {
  address,
  chainId: 1,
  nonce: '3yKHWG8cmMqC5C3jowdCkY',
  issuedAt: '2026-01-01T00:00:00.000Z',
  expirationTime: '2026-01-01T00:05:00.000Z',
  message,
  /** The message as POST /wallet/nonce issues it: with its expiration time. */
  issuedMessage: `${message}\nExpiration Time: 2026-01-01T00:05:00.000Z`,
  signature:
    '0xa3ee28a15b65842e73332d188356c5098f8679f3a1946bcce0afac176aa03eb96eae81dbaa7bcf7807d9e94cb58bcab1b9893a63825c53ffb4cea01e2fdb21b51c',
} as const;
