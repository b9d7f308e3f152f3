import { ed25519 } from '@noble/curves/ed25519';
import {
  createSignInMessageText,
  parseSignInMessageText,
  verifySignIn,
} from '@solana/wallet-standard-util';
import type { SolanaSignInInput } from '@solana/wallet-standard-features';
import bs58 from 'bs58';
import { readEd25519Signature, verifyEd25519 } from './ed25519-signature';
import { SiwsFields, buildSiwsMessage, isSiwsMessage, parseSiwsMessage } from './siws-message';
import { SMALL_ORDER_ENCODINGS, isSigningKey, solanaAddressBytes } from './solana-address';

function keypair() {
  const secretKey = ed25519.utils.randomPrivateKey();
  const publicKey = ed25519.getPublicKey(secretKey);
  return { secretKey, publicKey, address: bs58.encode(publicKey) };
}

function fields(address: string, overrides: Partial<SiwsFields> = {}): SiwsFields {
  return {
    domain: 'app.example.com',
    address,
    statement: 'Sign in to Proofgate',
    uri: 'https://app.example.com',
    version: '1',
    chainId: 'solana:mainnet',
    nonce: 'k2v8Qw3ZpL9xT4mN7bR1cY',
    issuedAt: '2026-03-01T12:00:00.000Z',
    expirationTime: '2026-03-01T12:05:00.000Z',
    ...overrides,
  };
}

describe('Sign In With Solana messages', () => {
  const wallet = keypair();

  it('are exactly what the Wallet Standard writes, and read back to the same fields', () => {
    const input = fields(wallet.address);
    const text = buildSiwsMessage(input);
    expect(text).toBe(createSignInMessageText(input));
    expect(text).toBe(
      [
        'app.example.com wants you to sign in with your Solana account:',
        wallet.address,
        '',
        'Sign in to Proofgate',
        '',
        'URI: https://app.example.com',
        'Version: 1',
        'Chain ID: solana:mainnet',
        'Nonce: k2v8Qw3ZpL9xT4mN7bR1cY',
        'Issued At: 2026-03-01T12:00:00.000Z',
        'Expiration Time: 2026-03-01T12:05:00.000Z',
      ].join('\n'),
    );
    expect(parseSiwsMessage(text)).toEqual(input);
    // The reference parser agrees on what the issued text says.
    expect(parseSignInMessageText(text)).toMatchObject(input);
    expect(isSiwsMessage(text)).toBe(true);
  });

  it('tells a SIWS message from an EIP-4361 one by its first line', () => {
    expect(isSiwsMessage('a.com wants you to sign in with your Ethereum account:\n0x00')).toBe(
      false,
    );
    expect(isSiwsMessage('a.com wants you to sign in with your Solana account:')).toBe(false);
    expect(
      isSiwsMessage(`${'x'.repeat(700)} wants you to sign in with your Solana account:\n`),
    ).toBe(false);
  });

  // The reference parser takes this (every field read into the statement) and the result
  // re-serialises to the same text: the laxness the issue warns of. The strict reader refuses it.
  it('refuses a message missing the blank line before the fields, which the library accepts', () => {
    const text = buildSiwsMessage(fields(wallet.address)).replace(
      'Sign in to Proofgate\n\n',
      'Sign in to Proofgate\n',
    );
    const lax = parseSignInMessageText(text);
    expect(lax?.statement).toContain('URI: https://app.example.com');
    expect(lax?.nonce).toBeUndefined();
    expect(createSignInMessageText(lax!)).toBe(text);
    expect(() => parseSiwsMessage(text)).toThrow(
      'Not a Sign In With Solana message as issued: the statement must be one line, followed by a blank line',
    );
  });

  it('refuses a message missing the blank line after the address', () => {
    const text = buildSiwsMessage(fields(wallet.address)).replace(
      `${wallet.address}\n\n`,
      `${wallet.address}\n`,
    );
    expect(() => parseSiwsMessage(text)).toThrow('a blank line must follow the address');
  });

  it.each([
    [
      'a multi-line statement',
      (t: string) => t.replace('Sign in to Proofgate', 'Sign in\nto Proofgate'),
      'the statement must be one line, followed by a blank line',
    ],
    [
      'a line after the expiration time',
      (t: string) => `${t}\nRequest ID: 1`,
      'nothing may follow the expiration time',
    ],
    ['a trailing newline', (t: string) => `${t}\n`, 'nothing may follow the expiration time'],
    [
      'no expiration time',
      (t: string) => t.slice(0, t.lastIndexOf('\n')),
      'line 11 must be "Expiration Time: <value>"',
    ],
    [
      'fields out of order',
      (t: string) =>
        t.replace(/Version: 1\nChain ID: solana:mainnet/, 'Chain ID: solana:mainnet\nVersion: 1'),
      'line 7 must be "Version: <value>"',
    ],
    [
      'no statement',
      (t: string) => t.replace('Sign in to Proofgate\n\n', ''),
      'the statement must be one line, followed by a blank line',
    ],
    [
      'a hex address',
      (t: string) => t.replace(wallet.address, `0x${'ab'.repeat(20)}`),
      'the second line must be a base58 Ed25519 public key',
    ],
    ['CRLF line ends', (t: string) => t.replace(/\n/g, '\r\n'), 'the first line must be'],
  ])('refuses %s', (_name, edit, reason) => {
    const text = edit(buildSiwsMessage(fields(wallet.address)));
    expect(() => parseSiwsMessage(text)).toThrow(reason);
  });

  it('refuses a message over 4 KiB before reading it', () => {
    expect(() => parseSiwsMessage('x'.repeat(4097))).toThrow('longer than 4096 bytes');
  });
});

describe('Solana addresses', () => {
  it('are canonical base58 of 32 bytes', () => {
    const { address, publicKey } = keypair();
    expect(solanaAddressBytes(address)).toEqual(publicKey);
    expect(solanaAddressBytes(`1${address}`)).toBeUndefined();
    expect(solanaAddressBytes(address.slice(0, 31))).toBeUndefined();
    expect(solanaAddressBytes(`0x${'ab'.repeat(20)}`)).toBeUndefined();
  });

  it('are refused as signing keys exactly when they encode a point of small order', () => {
    expect(isSigningKey(keypair().publicKey)).toBe(true);
    // Seven y values (five of the eight points' and y + p for y = 0 and 1), each with either
    // sign bit: libsodium's blacklist, which compares without the sign bit, has the same seven.
    expect(SMALL_ORDER_ENCODINGS.size).toBe(14);
    let canonical = 0;
    for (const hex of SMALL_ORDER_ENCODINGS) {
      const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
      expect(isSigningKey(bytes)).toBe(false);
      let point: ReturnType<typeof ed25519.Point.fromBytes> | undefined;
      try {
        point = ed25519.Point.fromBytes(bytes, false);
      } catch {
        // A non-canonical form: strict decoding refuses it; a lax decoder reads a small point.
        point = ed25519.Point.fromBytes(bytes, true);
      }
      expect(point.isSmallOrder()).toBe(true);
      if (Buffer.from(point.toBytes()).toString('hex') === hex) canonical += 1;
    }
    expect(canonical).toBe(8);
    // An off-curve key (y = 2) is not refused here: no signature verifies for it (below).
    const offCurve = new Uint8Array(32);
    offCurve[0] = 2;
    expect(isSigningKey(offCurve)).toBe(true);
    expect(() => ed25519.Point.fromBytes(offCurve)).toThrow();
  });
});

describe('the strict reader and the Wallet Standard writer', () => {
  it('agree both ways on generated messages: parse(build(f)) = f and build(parse(t)) = t', () => {
    for (let i = 0; i < 200; i++) {
      const input = fields(keypair().address, {
        nonce: Buffer.from(ed25519.utils.randomPrivateKey())
          .toString('hex')
          .slice(0, 8 + (i % 40)),
        issuedAt: new Date(1_767_225_600_000 + i * 997).toISOString(),
        expirationTime: new Date(1_767_225_900_000 + i * 997).toISOString(),
        domain: i % 2 ? 'app.example.com' : `localhost:${20000 + i}`,
        chainId: i % 3 ? 'solana:mainnet' : 'solana:devnet',
      });
      const text = createSignInMessageText(input);
      expect(parseSiwsMessage(text)).toEqual(input);
      expect(buildSiwsMessage(parseSiwsMessage(text))).toBe(text);
    }
  });
});

describe('Ed25519 verification (node:crypto), against @noble/curves and verifySignIn', () => {
  const wallet = keypair();
  const text = buildSiwsMessage(fields(wallet.address));
  const message = new TextEncoder().encode(text);
  const signature = ed25519.sign(message, wallet.secretKey);
  const input: SolanaSignInInput = fields(wallet.address);
  const signIn = (
    sig: Uint8Array,
    publicKey: Uint8Array = wallet.publicKey,
    signed: Uint8Array = message,
  ) =>
    verifySignIn(input, {
      account: {
        address: bs58.encode(publicKey),
        publicKey,
        chains: ['solana:mainnet'],
        features: ['solana:signIn'],
      },
      signedMessage: signed,
      signature: sig,
    });

  // L, the order of the base point (RFC 8032 §5.1): S + L is the same S modulo L, a malleated copy.
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const malleated = (() => {
    const s = signature.slice(32).reverse();
    const value = BigInt(`0x${Buffer.from(s).toString('hex')}`) + L;
    const bytes = Buffer.from(value.toString(16).padStart(64, '0'), 'hex').reverse();
    return Uint8Array.from([...signature.slice(0, 32), ...bytes]);
  })();
  const otherKey = keypair();
  const tampered = new TextEncoder().encode(text.replace('Nonce: k', 'Nonce: K'));
  const flipped = Uint8Array.from(signature);
  flipped[10] ^= 1;

  const cases: Array<[string, Uint8Array, Uint8Array, Uint8Array, boolean]> = [
    ['the wallet signature', signature, wallet.publicKey, message, true],
    ['another key', signature, otherKey.publicKey, message, false],
    ['a tampered message', signature, wallet.publicKey, tampered, false],
    ['a flipped bit in R', flipped, wallet.publicKey, message, false],
    ['S + L (malleated)', malleated, wallet.publicKey, message, false],
    ['an off-curve key', signature, Uint8Array.from([2, ...new Uint8Array(31)]), message, false],
  ];

  it.each(cases)('%s: all three agree', (_name, sig, publicKey, signed, valid) => {
    expect(verifyEd25519(publicKey, signed, sig)).toBe(valid);
    expect(ed25519.verify(sig, signed, publicKey, { zip215: false })).toBe(valid);
    // verifySignIn also checks the signed text against the expected input fields.
    expect(signIn(sig, publicKey, signed)).toBe(valid);
  });

  it('agrees with @noble/curves on many random keys and messages', () => {
    for (let i = 0; i < 50; i++) {
      const signer = keypair();
      const text = buildSiwsMessage(fields(signer.address, { nonce: `n${i}xxxxxxxxx` }));
      const bytes = new TextEncoder().encode(text);
      const sig = ed25519.sign(bytes, signer.secretKey);
      const bad = Uint8Array.from(sig);
      bad[i % 64] ^= 0x40;
      for (const candidate of [sig, bad]) {
        expect(verifyEd25519(signer.publicKey, bytes, candidate)).toBe(
          ed25519.verify(candidate, bytes, signer.publicKey, { zip215: false }),
        );
      }
    }
  });

  it('reads base58 and padded base64 signatures to the same bytes', () => {
    expect(readEd25519Signature(bs58.encode(signature))).toEqual(signature);
    const base64 = Buffer.from(signature).toString('base64');
    expect(base64).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(Buffer.from(readEd25519Signature(base64))).toEqual(Buffer.from(signature));
    expect(() => readEd25519Signature(`0x${Buffer.from(signature).toString('hex')}`)).toThrow(
      'The signature must be base58',
    );
    expect(() => readEd25519Signature(base64.replace('==', ''))).toThrow(
      'The signature must be base58',
    );
    expect(() => readEd25519Signature(bs58.encode(signature.slice(0, 63)))).toThrow(
      expect.objectContaining({
        error: 'invalid_request',
        message: expect.stringMatching(/of 64 bytes; this one is 63 bytes$/),
      }),
    );
  });
});
