import {
  methodTypeOf,
  originalMethodKey,
  upstreamAccountOf,
  upstreamMethodKey,
  walletMethodKey,
} from './account';
import { whyNotRemovable } from './removable-method';

describe('method keys of upstream provider accounts', () => {
  it('reads upstream:<id>:<sub> by its prefix, though it has the shape of a CAIP-10 id', () => {
    const key = upstreamMethodKey('github', '583231');
    expect(key).toBe('upstream:github:583231');
    expect(methodTypeOf(key)).toBe('upstream');
    expect(() => walletMethodKey(key)).toThrow('not a CAIP-10 account id');
    expect(methodTypeOf('eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')).toBe('wallet');
  });

  it('gives back the provider and its subject, a subject with colons too', () => {
    expect(upstreamAccountOf(upstreamMethodKey('okta', 'a:b|c'))).toEqual({
      providerId: 'okta',
      subject: 'a:b|c',
    });
  });

  it('is the original method of the account a provider sign-in created, never removed from it', () => {
    const key = upstreamMethodKey('google', '110169484474386276334');
    expect(originalMethodKey(key)).toBe(key);
    expect(whyNotRemovable(key, key)).toBe(
      'This provider account is the account’s own subject and always signs in to it; it is not removed',
    );
    // Linked to another account, it is a method like any other.
    expect(whyNotRemovable('user0', key)).toBeUndefined();
    expect(originalMethodKey('user0')).toBe('password:user0');
  });
});
