import { authorizationDetailsHash, canonicalJson } from './canonical-hash';

const PAY = {
  type: 'payment_initiation',
  amount: '12.00',
  currency: 'EUR',
  creditor: { name: 'X' },
};

describe('the canonical hash of authorization details (RFC 8785)', () => {
  it('hashes the RFC 8785 canonical JSON: key order does not change it', () => {
    expect(canonicalJson({ b: 1, a: [2, 'x'] })).toBe('{"a":[2,"x"],"b":1}');
    const reordered = { creditor: { name: 'X' }, currency: 'EUR', amount: '12.00', type: PAY.type };
    expect(authorizationDetailsHash([reordered])).toBe(authorizationDetailsHash([PAY]));
    expect(authorizationDetailsHash([{ ...PAY, amount: '12.01' }])).not.toBe(
      authorizationDetailsHash([PAY]),
    );
  });
});
