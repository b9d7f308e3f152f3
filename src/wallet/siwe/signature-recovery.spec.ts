import { randomBytes } from 'node:crypto';
import {
  type Address,
  type Hex,
  bytesToHex,
  hashMessage,
  hexToBytes,
  parseSignature,
  serializeCompactSignature,
  signatureToCompactSignature,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { recoverAddress, recoverMessageAddress } from '../../../test/support/signature-recovery';
import { siweVectors } from '../../../test/support/siwe-vectors';
import { InvalidSignature } from '../core/wallet.errors';
import {
  type EoaRecovery,
  type RecoveryBackend,
  type RecoveryImplementation,
  SECP256K1_HALF_N,
  SECP256K1_N,
  SIGNATURE_REFUSALS,
  SignatureRecovery,
  decodeSignature,
  loadNativeBackend,
  viemBackend,
} from './signature-recovery';
import { type SiweFields, buildSiweMessage } from './siwe-message.parser';

const n = SECP256K1_N;
/** Field prime p of secp256k1 (SEC 2 v2, §2.4.1). */
const P = 2n ** 256n - 2n ** 32n - 977n;

const native = SignatureRecovery.using('native');
const reference = SignatureRecovery.using('viem');
const IMPLEMENTATIONS: [RecoveryImplementation, SignatureRecovery][] = [
  ['native', native],
  ['viem', reference],
];

const hex32 = (value: bigint): string => value.toString(16).padStart(64, '0');
const rOf = (signature: Hex): bigint => BigInt(`0x${signature.slice(2, 66)}`);
const sOf = (signature: Hex): bigint => BigInt(`0x${signature.slice(66, 130)}`);
const vOf = (signature: Hex): number => parseInt(signature.slice(130, 132), 16);

function rsv(r: bigint, s: bigint, v: number): Hex {
  return `0x${hex32(r)}${hex32(s)}${v.toString(16).padStart(2, '0')}`;
}

/** EIP-2: the same signature with s replaced by n - s and the other y parity; same key. */
function malleated(signature: Hex): Hex {
  const v = vOf(signature);
  const flipped = v === 27 ? 28 : v === 28 ? 27 : v ^ 1;
  return rsv(rOf(signature), n - sOf(signature), flipped);
}

/** EIP-2098, through viem's own conversion (independent of our decoder). */
function compact(signature: Hex): Hex {
  return serializeCompactSignature(signatureToCompactSignature(parseSignature(signature)));
}

/** Native and viem must give the same answer on every input: the whole point of this file. */
async function bothExamine(hash: Hex, signature: Hex): Promise<EoaRecovery> {
  const [fromNative, fromViem] = await Promise.all([
    native.examine(hash, hexToBytes(signature)),
    reference.examine(hash, hexToBytes(signature)),
  ]);
  expect(fromNative).toEqual(fromViem);
  return fromNative;
}

type Raw = { address: Address } | 'refused';

async function raw(backend: RecoveryBackend, hash: Hex, rs: Hex, recoveryId: 0 | 1): Promise<Raw> {
  try {
    return { address: await backend.recover(hexToBytes(hash), hexToBytes(rs), recoveryId) };
  } catch {
    return 'refused';
  }
}

/** The backends alone, no policy in front: they must agree even on what the policy filters out. */
async function bothRaw(hash: Hex, r: bigint, s: bigint, recoveryId: 0 | 1): Promise<Raw> {
  const rs: Hex = `0x${hex32(r)}${hex32(s)}`;
  const fromNative = await raw(loadNativeBackend(), hash, rs, recoveryId);
  const fromViem = await raw(viemBackend, hash, rs, recoveryId);
  expect(fromNative).toEqual(fromViem);
  return fromNative;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Smallest x >= from for which x^3 + 7 has no square root mod p: no curve point has it as x. */
function notAnXCoordinate(from: bigint): bigint {
  for (let x = from; ; x++) {
    if (modPow((x ** 3n + 7n) % P, (P - 1n) / 2n, P) === P - 1n) return x;
  }
}

const HASH = hashMessage('Proofgate cross-check');
const VECTOR_CONTROLS = ['signature', 'time', 'domainBinding', 'matchNonce'];

describe('SignatureRecovery: which implementation', () => {
  const prebuilt = process.platform === 'linux' && process.arch === 'x64';

  // The package ships linux-x64 prebuilds (glibc and musl): no compiler, no install script.
  (prebuilt ? it : it.skip)('loads the native libsecp256k1 binding on linux-x64', () => {
    const recovery = SignatureRecovery.load();
    expect(recovery.implementation).toBe('native');
    expect(recovery.fallbackReason).toBeUndefined();
  });

  // So does the `keccak` package (XKCP): message hashes and addresses are native too.
  (prebuilt ? it : it.skip)('hashes with the native keccak binding on linux-x64', () => {
    expect(SignatureRecovery.load().keccak).toBe('native');
    expect(reference.keccak).toBe('viem');
  });

  it('falls back to viem, and says why, when the native binding does not load', async () => {
    const recovery = SignatureRecovery.load(() => {
      throw new Error('No native build was found for platform=sunos arch=sparc\nmore detail');
    });
    expect(recovery.implementation).toBe('viem');
    expect(recovery.fallbackReason).toBe('No native build was found for platform=sunos arch=sparc');
    const account = privateKeyToAccount(generatePrivateKey());
    const signature = await account.signMessage({ message: 'fallback' });
    await expect(recoverMessageAddress(recovery, 'fallback', signature)).resolves.toBe(
      account.address,
    );
  });

  it('names each implementation it was asked for', () => {
    expect(native.implementation).toBe('native');
    expect(reference.implementation).toBe('viem');
  });
});

describe('SignatureRecovery cross-check: native and viem agree', () => {
  describe('on every upstream SIWE vector that carries a signature', () => {
    type Signed = Record<string, unknown> & { signature: Hex };
    const signedFields = [
      ...siweVectors<Signed>('verification_positive.json').map(
        ([name, v]) => [`verification_positive: ${name}`, v, true] as const,
      ),
      ...siweVectors<Signed>('verification_negative.json').map(
        ([name, v]) => [`verification_negative: ${name}`, v, false] as const,
      ),
    ];

    it.each(signedFields)('%s', async (_name, vector, positive) => {
      const { signature } = vector;
      // The message fields only: the other keys are instructions to the upstream test runner.
      const fields = Object.fromEntries(
        Object.entries(vector).filter(([key]) => !VECTOR_CONTROLS.includes(key)),
      );
      let text: string;
      try {
        text = buildSiweMessage(fields as unknown as SiweFields);
      } catch {
        // Three negative cases carry impossible dates and never build; their signature bytes
        // are still compared, over the hash of the vector itself.
        text = JSON.stringify(fields);
      }
      const result = await bothExamine(hashMessage(text), signature);
      if (positive) expect(result).toEqual({ outcome: 'recovered', address: fields.address });
    });

    it.each(siweVectors<{ message: string; signature: Hex }>('eip1271.json'))(
      'eip1271: %s (a contract wallet signature: whatever it is to ecrecover, both say the same)',
      async (_name, vector) => {
        const result = await bothExamine(hashMessage(vector.message), vector.signature);
        const bytes = (vector.signature.length - 2) / 2;
        if (bytes !== 64 && bytes !== 65) expect(result).toEqual({ outcome: 'not-ecdsa' });
      },
    );

    it('covers the vectors that matter for the policy (so the loop above is not vacuous)', () => {
      const signatures = signedFields.map(([, v]) => v.signature);
      expect(signatures.some((s) => s.length === 2 + 131)).toBe(true); // 'malformed signature'
      expect(signatures.some((s) => s.length === 132 && vOf(s) < 27)).toBe(true); // v = 0/1
      // No upstream vector has a high s: nothing there asks us to accept one (EIP-2).
      expect(signatures.filter((s) => s.length === 132 && sOf(s) > SECP256K1_HALF_N)).toEqual([]);
    });
  });

  it('on 256 random keys and messages, in every encoding of each signature', async () => {
    for (let i = 0; i < 256; i++) {
      const account = privateKeyToAccount(generatePrivateKey());
      const message = randomBytes(1 + (i % 97)).toString(i % 2 === 0 ? 'base64' : 'latin1');
      const signature = await account.signMessage({ message });
      const hash = hashMessage(message);
      const signer = { outcome: 'recovered', address: account.address };
      const v = vOf(signature);

      expect(await bothExamine(hash, signature)).toEqual(signer);
      expect(await bothExamine(hash, rsv(rOf(signature), sOf(signature), v - 27))).toEqual(signer);
      expect(await bothExamine(hash, compact(signature))).toEqual(signer);
      expect(await bothExamine(hash, malleated(signature))).toEqual({
        outcome: 'high-s',
        address: account.address,
      });
      // The same signature over another message: a valid point, another (random) key.
      const other = await bothExamine(hashMessage(`${message}.`), signature);
      expect(other).toMatchObject({ outcome: 'recovered' });
      expect(other).not.toEqual(signer);
    }
  }, 60_000);

  it('on the EIP-191 hash of every upstream message and of 500 random texts (any script, any length)', () => {
    const texts = [
      ...siweVectors<{ message: string }>('eip1271.json').map(([, v]) => v.message),
      ...siweVectors<Record<string, unknown>>('parsing_positive.json').map(([, v]) =>
        typeof v.message === 'string' ? v.message : JSON.stringify(v),
      ),
      '',
      'é',
      '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and emoji 🦊 across a 136-byte keccak block boundary '.repeat(5),
    ];
    for (let i = 0; i < 500; i++) {
      // Lengths around 0, 135, 136, 137, 272... bytes: the sponge's rate is 136 bytes.
      const bytes = randomBytes(i % 300);
      texts.push(
        i % 3 === 0 ? bytes.toString('hex') : bytes.toString(i % 3 === 1 ? 'utf8' : 'latin1'),
      );
    }
    for (const text of texts) {
      expect(loadNativeBackend().hashMessage(text)).toBe(hashMessage(text));
      expect(viemBackend.hashMessage(text)).toBe(hashMessage(text));
    }
  });

  it('on 300 random 65- and 64-byte strings (mostly not signatures)', async () => {
    const outcomes = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(i % 3 === 0 ? 64 : 65);
      if (bytes.length === 65 && i % 2 === 0) bytes[64] = 27 + (i % 4 === 0 ? 1 : 0);
      const result = await bothExamine(HASH, bytesToHex(bytes));
      outcomes.add(result.outcome === 'invalid' ? `invalid:${result.problem}` : result.outcome);
    }
    // Random x coordinates are off the curve about half the time; random v is mostly bad.
    expect([...outcomes]).toEqual(
      expect.arrayContaining(['recovered', 'high-s', 'invalid:v', 'invalid:point']),
    );
  });

  describe('the raw backends on edge inputs (no policy in front of them)', () => {
    // The x coordinate of a real signature's R (EIP-2098's first test case): on the curve.
    const r0 = 0x68a020a209d3d56c46f38cc50a33f704f4a9a10a59377f8dd762ac66910e9b90n;
    const s0 = 12345n;
    const offCurve = notAnXCoordinate(1n);

    it.each<[string, bigint, bigint]>([
      ['r = 0', 0n, s0],
      ['s = 0', r0, 0n],
      ['r = n', n, s0],
      ['s = n', r0, n],
      ['r = 2^256 - 1', 2n ** 256n - 1n, s0],
      ['s = 2^256 - 1', r0, 2n ** 256n - 1n],
      ['r off the curve', offCurve, s0],
    ])('both refuse %s', async (_name, r, s) => {
      for (const recoveryId of [0, 1] as const) {
        expect(await bothRaw(HASH, r, s, recoveryId)).toBe('refused');
      }
    });

    it('both recover the same key from a signature and from its high-s twin (raw, EIP-2 is not theirs)', async () => {
      const account = privateKeyToAccount(generatePrivateKey());
      const signature = await account.signMessage({ message: 'raw high s' });
      const hash = hashMessage('raw high s');
      const y = (vOf(signature) - 27) as 0 | 1;
      expect(await bothRaw(hash, rOf(signature), sOf(signature), y)).toEqual({
        address: account.address,
      });
      expect(await bothRaw(hash, rOf(signature), n - sOf(signature), (y ^ 1) as 0 | 1)).toEqual({
        address: account.address,
      });
    });

    it.each<[string, bigint, bigint]>([
      ['r = n - 1', n - 1n, s0],
      ['s = n - 1', r0, n - 1n],
      ['r = 1', 1n, s0],
      ['s = 1', r0, 1n],
    ])('both give the same answer for %s', async (_name, r, s) => {
      for (const recoveryId of [0, 1] as const) await bothRaw(HASH, r, s, recoveryId);
    });

    it('both refuse a signature whose recovered point is at infinity', async () => {
      // R = kG; with h = s·k mod n, Q = r⁻¹(sR − hG) = r⁻¹(sk − h)G is the point at infinity.
      const k = 0x1234567n;
      const publicKey = privateKeyToAccount(`0x${hex32(k)}`).publicKey;
      const x = BigInt(`0x${publicKey.slice(4, 68)}`);
      const yParity = Number(BigInt(`0x${publicKey.slice(68)}`) & 1n) as 0 | 1;
      expect(x < n).toBe(true);
      const s = 0x2468acen;
      const hash: Hex = `0x${hex32((s * k) % n)}`;
      expect(await bothRaw(hash, x, s, yParity)).toBe('refused');
      // One step away it is an ordinary key again, for both.
      const next: Hex = `0x${hex32((s * k + 1n) % n)}`;
      expect(await bothRaw(next, x, s, yParity)).not.toBe('refused');
    });

    it.each<[string, Hex]>([
      ['a zero hash', `0x${'00'.repeat(32)}`],
      ['a hash above n (reduced mod n by both)', `0x${'ff'.repeat(32)}`],
      ['a hash equal to n', `0x${hex32(n)}`],
    ])('both agree on %s', async (_name, hash) => {
      const signature = await privateKeyToAccount(generatePrivateKey()).signMessage({
        message: 'edge hash',
      });
      const result = await bothRaw(hash, rOf(signature), sOf(signature), 0);
      expect(result).not.toBe('refused');
    });
  });
});

describe.each(IMPLEMENTATIONS)('SignatureRecovery policy (%s)', (_name, recovery) => {
  const account = privateKeyToAccount(
    '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  );
  const message = 'Sign in to Proofgate';
  let signature: Hex;
  beforeAll(async () => {
    signature = await account.signMessage({ message });
  });

  async function refusal(work: Promise<unknown>): Promise<InvalidSignature> {
    try {
      await work;
    } catch (error) {
      if (error instanceof InvalidSignature) return error;
      throw error;
    }
    throw new Error('expected InvalidSignature');
  }

  describe('v values (as viem takes them)', () => {
    it('accepts v as 27/28 and as 0/1 for the same y parity', async () => {
      const y = vOf(signature) - 27;
      for (const v of [27 + y, y]) {
        await expect(
          recoverMessageAddress(recovery, message, rsv(rOf(signature), sOf(signature), v)),
        ).resolves.toBe(account.address);
      }
    });

    it('takes the other parity (27/28 or 0/1) as a well-formed signature by another key', async () => {
      const y = vOf(signature) - 27;
      for (const v of [28 - y, 1 - y]) {
        const result = await recovery.examineMessage(
          message,
          hexToBytes(rsv(rOf(signature), sOf(signature), v)),
        );
        expect(result).toMatchObject({ outcome: 'recovered' });
        expect(result).not.toEqual({ outcome: 'recovered', address: account.address });
      }
    });

    it.each([2, 3, 26, 29, 35, 36, 37, 38, 127, 255])(
      'refuses v = %d with invalid_signature',
      async (v) => {
        const error = await refusal(
          recoverMessageAddress(recovery, message, rsv(rOf(signature), sOf(signature), v)),
        );
        expect(error.error).toBe('invalid_signature');
        expect(error.description).toBe(SIGNATURE_REFUSALS.v);
      },
    );
  });

  describe('high s (EIP-2)', () => {
    it('refuses the malleated twin of a valid signature, though it is the same key', async () => {
      const twin = malleated(signature);
      expect(sOf(twin) > SECP256K1_HALF_N).toBe(true);
      const error = await refusal(recoverMessageAddress(recovery, message, twin));
      expect(error.error).toBe('invalid_signature');
      expect(error.reason).toBe('high_s');
      expect(error.description).toMatch(/EIP-2/);
      expect(await recovery.examineMessage(message, hexToBytes(twin))).toEqual({
        outcome: 'high-s',
        address: account.address,
      });
    });

    it('takes s = n/2 as low and s = n/2 + 1 as high (the EIP-2 bound itself)', () => {
      const at = decodeSignature(rsv(rOf(signature), SECP256K1_HALF_N, 27));
      const above = decodeSignature(rsv(rOf(signature), SECP256K1_HALF_N + 1n, 27));
      expect(at).toMatchObject({ ok: true, highS: false, recoveryId: 0 });
      expect(above).toMatchObject({ ok: true, highS: true, recoveryId: 1 });
    });
  });

  describe('EIP-2098 compact signatures (64 bytes)', () => {
    // The EIP's own test cases: key 0x1234...1234, EIP-191 personal_sign.
    const eipKey = privateKeyToAccount(
      '0x1234567890123456789012345678901234567890123456789012345678901234',
    );
    it.each<[string, Hex]>([
      [
        'Hello World',
        '0x68a020a209d3d56c46f38cc50a33f704f4a9a10a59377f8dd762ac66910e9b907e865ad05c4035ab5792787d4a0297a43617ae897930a6fe4d822b8faea52064',
      ],
      [
        "It's a small(er) world",
        '0x9328da16089fcba9bececa81663203989f2df5fe1faa6291a45381c81bd17f76939c6d6b623b42da56557e5e734a43dc83345ddfadec52cbe24d0cc64f550793',
      ],
    ])('recovers the EIP-2098 test vector %j', async (text, compactSignature) => {
      expect(eipKey.address).toBe('0x2e988A386a799F506693793c6A5AF6B54dfAaBfB');
      await expect(recoverMessageAddress(recovery, text, compactSignature)).resolves.toBe(
        eipKey.address,
      );
      expect(decodeSignature(compactSignature)).toMatchObject({ encoding: 'eip-2098' });
    });

    it('recovers a compact signature made from a wallet signature', async () => {
      await expect(recoverMessageAddress(recovery, message, compact(signature))).resolves.toBe(
        account.address,
      );
    });

    it('refuses a compact signature whose 255-bit s is above n/2 (EIP-2 again)', async () => {
      // Only s in (n/2, 2^255) fits the compact form with a high s; no signer produces one, so
      // it is made by hand over an r that is on the curve.
      const r = 0x68a020a209d3d56c46f38cc50a33f704f4a9a10a59377f8dd762ac66910e9b90n;
      const s = SECP256K1_HALF_N + 1n;
      expect(s < 2n ** 255n).toBe(true);
      const highCompact: Hex = `0x${hex32(r)}${hex32((1n << 255n) | s)}`;
      const examined = await recovery.examineMessage(message, hexToBytes(highCompact));
      expect(examined).toMatchObject({ outcome: 'high-s' });
      // ...and its low-s twin (r, n - s, other parity) is the same key, accepted.
      const twin = rsv(r, n - s, 27);
      expect(await recovery.examineMessage(message, hexToBytes(twin))).toEqual({
        ...examined,
        outcome: 'recovered',
      });
      const error = await refusal(recoverMessageAddress(recovery, message, highCompact));
      expect(error.reason).toBe('high_s');
    });
  });

  describe('shapes that are not ECDSA signatures', () => {
    it.each<[string, Hex]>([
      ['empty', '0x'],
      ['1 byte', '0x1b'],
      ['63 bytes', `0x${'11'.repeat(63)}`],
      ['66 bytes', `0x${'11'.repeat(66)}`],
    ])('refuses %s as not an ECDSA signature', async (_name, bad) => {
      expect(await recovery.examineMessage(message, hexToBytes(bad))).toEqual({
        outcome: 'not-ecdsa',
      });
      const error = await refusal(recoverMessageAddress(recovery, message, bad));
      expect(error.description).toBe(SIGNATURE_REFUSALS['not-ecdsa']);
    });

    it.each<[string, Hex]>([
      ['r = 0', rsv(0n, 5n, 27)],
      ['s = 0', rsv(5n, 0n, 27)],
      ['r = n', rsv(n, 5n, 27)],
      ['s = n', rsv(5n, n, 28)],
      ['r off the curve', rsv(notAnXCoordinate(1n), 5n, 27)],
    ])('refuses %s as an invalid ECDSA signature', async (_name, bad) => {
      const error = await refusal(recoverMessageAddress(recovery, message, bad));
      expect(error.description).toBe('The signature is not a valid ECDSA signature');
    });
  });

  it('never quotes the signature in a refusal', async () => {
    for (const bad of [malleated(signature), rsv(rOf(signature), sOf(signature), 29)]) {
      const error = await refusal(recoverMessageAddress(recovery, message, bad));
      expect(error.description).not.toContain(bad.slice(2, 20));
      expect(error.description).not.toContain(bad.slice(66, 84));
    }
  });

  it('takes a precomputed hash the same way as the message', async () => {
    await expect(recoverAddress(recovery, hashMessage(message), signature)).resolves.toBe(
      account.address,
    );
    await expect(recovery.examine('0x1234', hexToBytes(signature))).rejects.toThrow(TypeError);
  });
});
