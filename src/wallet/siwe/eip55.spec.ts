import { randomBytes } from 'node:crypto';
import { getAddress, isAddress } from 'viem';
import { siweVectors } from '../../../test/support/siwe-vectors';
import { Eip55, eip55 } from './eip55';
import { viemKeccak } from './keccak';

/** Every address written in the upstream SIWE vectors (messages and field objects). */
function vectorAddresses(): string[] {
  const found = new Set<string>();
  for (const file of [
    'parsing_positive.json',
    'parsing_negative.json',
    'verification_positive.json',
    'verification_negative.json',
    'message_objects.json',
  ]) {
    for (const [, vector] of siweVectors<unknown>(file)) {
      for (const match of JSON.stringify(vector).matchAll(/0x[0-9a-fA-F]{40}(?![0-9a-fA-F])/g)) {
        found.add(match[0]);
      }
    }
  }
  return [...found];
}

const randomAddress = () => `0x${randomBytes(20).toString('hex')}`;

/** A checksummed address with the case of one letter turned: a wrong checksum. */
function withOneLetterTurned(address: string): string | undefined {
  const at = [...address.slice(2)].findIndex((c) => /[a-fA-F]/.test(c));
  if (at < 0) return undefined;
  const i = at + 2;
  const c = address[i];
  const turned = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
  return address.slice(0, i) + turned + address.slice(i + 1);
}

describe('EIP-55 checksums: the same answers as viem', () => {
  const addresses = [...vectorAddresses(), ...Array.from({ length: 500 }, randomAddress)];

  it('reads addresses from the upstream vectors (so the comparisons below are not vacuous)', () => {
    expect(vectorAddresses().length).toBeGreaterThanOrEqual(3);
  });

  it('computes the checksum of every address as viem getAddress does, native and pure JS alike', () => {
    const pureJs = new Eip55(viemKeccak);
    for (const address of addresses) {
      const expected = getAddress(address.toLowerCase());
      expect(eip55.checksum(address)).toBe(expected);
      expect(eip55.checksum(address.toLowerCase())).toBe(expected);
      expect(pureJs.checksum(address)).toBe(expected);
    }
  });

  it('runs on the native keccak here', () => {
    expect(eip55.implementation).toBe('native');
  });

  it('accepts and refuses exactly what viem isAddress does: lower case, checksummed; not a turned letter', () => {
    for (const address of addresses) {
      const checksummed = getAddress(address.toLowerCase());
      const candidates = [
        checksummed,
        checksummed.toLowerCase(),
        `0x${checksummed.slice(2).toUpperCase()}`,
        withOneLetterTurned(checksummed),
      ].filter((a): a is string => a !== undefined);
      for (const candidate of candidates) {
        expect([candidate, eip55.isValid(candidate)]).toEqual([candidate, isAddress(candidate)]);
      }
    }
  });

  it('refuses what is not a 20-byte hex address', () => {
    for (const value of [
      undefined,
      42,
      '',
      '0x',
      '0x123',
      `0X${'a'.repeat(40)}`,
      `0x${'g'.repeat(40)}`,
      `0x${'a'.repeat(41)}`,
    ]) {
      expect(eip55.isValid(value)).toBe(false);
    }
    expect(() => eip55.checksum('0x123')).toThrow('not a 0x-prefixed 20-byte hex address');
  });
});
