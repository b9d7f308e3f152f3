import { keccak256 as viemKeccak256 } from 'viem/utils';

/** `native`: a C implementation through an N-API binding; `viem`: noble (pure JS). */
export type CryptoImplementation = 'native' | 'viem';

/** What the `keccak` package's binding offers (its createKeccakHash contract). */
type NativeKeccakHash = (algorithm: 'keccak256') => {
  update(data: Buffer): { digest(): Buffer };
};

export interface Keccak256 {
  readonly name: CryptoImplementation;
  readonly hash: (data: Uint8Array) => Uint8Array;
}

/** keccak-256 through the `keccak` package's native binding (XKCP), else viem's (noble, pure JS). */
function loadKeccak(): Keccak256 {
  try {
    // A native module may be absent for this platform: a require() failure is how we learn it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const createHash = require('keccak/bindings') as NativeKeccakHash;
    return {
      name: 'native',
      hash: (data) =>
        createHash('keccak256')
          .update(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
          .digest(),
    };
  } catch {
    return viemKeccak;
  }
}

export const viemKeccak: Keccak256 = {
  name: 'viem',
  hash: (data) => viemKeccak256(data, 'bytes'),
};

/** The process's keccak-256, chosen once: message hashes, recovered addresses, EIP-55 checksums. */
export const keccak256: Keccak256 = loadKeccak();
