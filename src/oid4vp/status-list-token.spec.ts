import { deflateSync } from 'node:zlib';
import { StatusList } from '@sd-jwt/jwt-status-list';
import {
  type StatusBits,
  StatusListRefused,
  checkStatusListToken,
  decompressStatusList,
  statusAt,
  statusListCacheSeconds,
} from './status-list-token';

const URI = 'https://issuer.example/statuslists/1';
const ISSUER = 'https://issuer.example';
const NOW = 1_800_000_000;
const HEADER = { alg: 'ES256', typ: 'statuslist+jwt' };
const CLAIMS = {
  iss: ISSUER,
  sub: URI,
  iat: NOW - 10,
  exp: NOW + 3600,
  ttl: 600,
  status_list: { bits: 1, lst: 'eNrbuRgAAhcBXQ' },
};
const reference = { uri: URI, issuer: ISSUER, nowSeconds: NOW };

function refusal(header: Record<string, unknown>, claims: Record<string, unknown>) {
  try {
    checkStatusListToken(header, claims, reference);
  } catch (error) {
    expect(error).toBeInstanceOf(StatusListRefused);
    return (error as Error).message;
  }
  return undefined;
}

describe('checkStatusListToken (Token Status List §5.1, §8.3)', () => {
  it('accepts a token that keeps every rule, and gives its list, exp and ttl', () => {
    expect(checkStatusListToken(HEADER, CLAIMS, reference)).toEqual({
      bits: 1,
      lst: 'eNrbuRgAAhcBXQ',
      exp: NOW + 3600,
      ttl: 600,
    });
    const bare = { sub: URI, iat: NOW - 10, status_list: CLAIMS.status_list };
    const header = { ...HEADER, typ: 'application/statuslist+jwt' };
    expect(checkStatusListToken(header, bare, reference)).toEqual({
      bits: 1,
      lst: 'eNrbuRgAAhcBXQ',
    });
  });

  it.each([
    ['no typ', { alg: 'ES256' }, {}, 'typ'],
    ['another typ', { alg: 'ES256', typ: 'JWT' }, {}, 'typ'],
    ['a credential typ', { alg: 'ES256', typ: 'dc+sd-jwt' }, {}, 'typ'],
    ['a sub of another list', HEADER, { sub: `${URI}0` }, 'sub'],
    ['no sub', HEADER, { sub: undefined }, 'sub'],
    ['an iss of another issuer', HEADER, { iss: 'https://other.example' }, 'iss'],
    ['no iat', HEADER, { iat: undefined }, 'iat'],
    ['an iat that is no number', HEADER, { iat: '1800000000' }, 'iat'],
    ['an exp passed', HEADER, { exp: NOW - 1 }, 'expired'],
    ['an exp now', HEADER, { exp: NOW }, 'expired'],
    ['an exp that is no number', HEADER, { exp: 'soon' }, 'expired'],
    ['an nbf ahead', HEADER, { nbf: NOW + 3600 }, 'not yet valid'],
    ['a ttl of 0', HEADER, { ttl: 0 }, 'ttl'],
    ['a negative ttl', HEADER, { ttl: -5 }, 'ttl'],
    ['a ttl that is no number', HEADER, { ttl: '600' }, 'ttl'],
    ['no status_list', HEADER, { status_list: undefined }, 'status_list'],
    ['bits 3', HEADER, { status_list: { bits: 3, lst: 'eNrbuRgAAhcBXQ' } }, 'bits'],
    ['an lst that is not base64url', HEADER, { status_list: { bits: 1, lst: 'a+b/' } }, 'lst'],
  ])('refuses %s', (_name, header, changed, rule) => {
    const claims = { ...CLAIMS, ...changed };
    expect(refusal(header, claims)).toContain(rule);
  });
});

describe('statusListCacheSeconds', () => {
  it('is the least of ttl, the time left until exp and the configured maximum', () => {
    expect(statusListCacheSeconds({ ttl: 60, exp: NOW + 3600 }, NOW, 300)).toBe(60);
    expect(statusListCacheSeconds({ ttl: 600, exp: NOW + 30 }, NOW, 300)).toBe(30);
    expect(statusListCacheSeconds({ ttl: 600, exp: NOW + 3600 }, NOW, 300)).toBe(300);
    expect(statusListCacheSeconds({}, NOW, 300)).toBe(300);
  });

  it('is 0 when the operator keeps nothing', () => {
    expect(statusListCacheSeconds({ ttl: 600 }, NOW, 0)).toBe(0);
  });
});

describe('statusAt (Token Status List §4)', () => {
  it('reads the draft’s example: statuses 1 0 0 1 1 1 0 1 1 1 0 0 0 1 0 1 in bytes B9 A3', () => {
    const list = Uint8Array.from([0xb9, 0xa3]);
    const read = Array.from({ length: 16 }, (_, idx) => statusAt(list, 1, idx));
    expect(read).toEqual([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
    expect(statusAt(list, 1, 16)).toBeUndefined();
  });

  it.each([1, 2, 4, 8] as const)(
    'reads every entry of a %i-bit list as @sd-jwt/jwt-status-list wrote it',
    async (bits: StatusBits) => {
      const statuses = Array.from({ length: 64 }, (_, i) => (i * 7 + 3) % 2 ** bits);
      const lst = new StatusList(statuses, bits).compressStatusList();
      const list = await decompressStatusList(lst, 1024);
      expect(statuses.map((_, idx) => statusAt(list, bits, idx))).toEqual(statuses);
      expect(statusAt(list, bits, (list.length * 8) / bits)).toBeUndefined();
    },
  );
});

describe('decompressStatusList', () => {
  it('stops a list that decompresses past the bound (a compression bomb)', async () => {
    const lst = deflateSync(Buffer.alloc(1024 * 1024)).toString('base64url');
    expect(lst.length).toBeLessThan(2048);
    await expect(decompressStatusList(lst, 1024 * 1024)).resolves.toHaveLength(1024 * 1024);
    await expect(decompressStatusList(lst, 1024 * 1024 - 1)).rejects.toThrow(StatusListRefused);
  });

  it('refuses what is not a ZLIB stream', async () => {
    await expect(decompressStatusList('bm90LXpsaWI', 1024)).rejects.toThrow(StatusListRefused);
  });
});
