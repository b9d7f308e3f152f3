import type { Address } from 'viem';
import { type Keccak256, keccak256 } from './keccak';

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** Checksummed addresses kept (about 100 bytes each); past it the cache starts again. */
const MAX_CACHED = 8_192;

/**
 * EIP-55 mixed-case checksums, computed with the native keccak-256 where it loads (viem's pure-JS
 * keccak makes a checksum cost 17 µs; a wallet seen for the first time pays it on every nonce
 * issue and sign-in). The same answers as viem's `getAddress` and `isAddress`: a spec compares
 * them on the upstream vectors and on random addresses.
 */
export class Eip55 {
  private readonly cache = new Map<string, Address>();

  constructor(private readonly keccak: Keccak256 = keccak256) {}

  /** Which implementation computes the checksums. */
  get implementation(): Keccak256['name'] {
    return this.keccak.name;
  }

  /** The checksummed form of a 20-byte hex address written in any case. */
  checksum(address: string): Address {
    if (!HEX_ADDRESS.test(address)) throw new Error('not a 0x-prefixed 20-byte hex address');
    const lower = address.toLowerCase();
    const cached = this.cache.get(lower);
    if (cached !== undefined) return cached;
    // EIP-55: a letter is upper case where the hash of the lower-case hex text has its nibble >= 8.
    const hash = this.keccak.hash(Buffer.from(lower.slice(2), 'latin1'));
    let checksummed = '0x';
    for (let i = 0; i < 40; i++) {
      const byte = hash[i >> 1];
      const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
      const char = lower[i + 2];
      checksummed += nibble >= 8 ? char.toUpperCase() : char;
    }
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(lower, checksummed as Address);
    return checksummed as Address;
  }

  /**
   * An address as wallets write it: all lower case (many wallets emit it), or mixed case with a
   * valid checksum. Anything else (all upper case among it) is refused, as viem's `isAddress` does.
   */
  isValid(value: unknown): value is Address {
    if (typeof value !== 'string' || !HEX_ADDRESS.test(value)) return false;
    return value === value.toLowerCase() || value === this.checksum(value);
  }
}

/**
 * The process's one instance, and its one cache: DTOs, services and signature recovery all ask it,
 * so the address a SIWE message names and the address recovered from its signature are one entry.
 */
export const eip55 = new Eip55();
