import {
  isSubsetOfGranted,
  parseAuthorizationDetails,
  renderAuthorizationDetail,
  templateFields,
} from './authorization-details';

const PAY = {
  type: 'payment_initiation',
  amount: '12.00',
  currency: 'EUR',
  creditor: { name: 'X' },
};

describe('authorization details (RFC 9396)', () => {
  it('renders a template from the fields, nested ones by path, absent ones as nothing', () => {
    expect(templateFields('Pay {{amount}} {{ currency }} to {{creditor.name}}')).toEqual([
      'amount',
      'currency',
      'creditor.name',
    ]);
    expect(
      renderAuthorizationDetail('Pay {{amount}} {{currency}} to {{creditor.name}}{{memo}}', PAY),
    ).toBe('Pay 12.00 EUR to X');
    // A field named like an Object.prototype member is not read from the prototype.
    expect(renderAuthorizationDetail('{{constructor}}|{{creditor}}', PAY)).toBe('|{"name":"X"}');
  });

  it('refuses a detail that names a member twice, as written or escaped, and not sibling details', () => {
    expect(
      parseAuthorizationDetails(
        '[{"type":"payment_initiation","amount":"1.00","amount":"900.00"}]',
      ),
    ).toEqual({ ok: false, problem: 'authorization_details names member "amount" twice' });
    expect(parseAuthorizationDetails('[{"type":"a","\\u0074ype":"b"}]')).toEqual({
      ok: false,
      problem: 'authorization_details names member "type" twice',
    });
    expect(parseAuthorizationDetails('[{"type":"a"},{"type":"b"}]')).toEqual({
      ok: true,
      details: [{ type: 'a' }, { type: 'b' }],
    });
  });

  it('parses only a non-empty array of objects that each have a string type', () => {
    expect(parseAuthorizationDetails(JSON.stringify([PAY]))).toEqual({ ok: true, details: [PAY] });
    expect(parseAuthorizationDetails([PAY])).toEqual({ ok: true, details: [PAY] });
    expect(parseAuthorizationDetails('{}')).toMatchObject({ ok: false });
    expect(parseAuthorizationDetails('[1]')).toEqual({
      ok: false,
      problem: 'authorization_details[0] is not an object',
    });
    expect(parseAuthorizationDetails(`[${'{"type":"a"},'.repeat(10)}{"type":"a"}]`)).toEqual({
      ok: false,
      problem: 'authorization_details has more than 10 objects',
    });
  });

  it('narrows only to objects granted exactly', () => {
    const other = { type: 'payment_initiation', amount: '1.00' };
    expect(isSubsetOfGranted([PAY], [PAY, other])).toBe(true);
    expect(isSubsetOfGranted([{ ...PAY, amount: '12.01' }], [PAY])).toBe(false);
    expect(isSubsetOfGranted([{ ...PAY, extra: true }], [PAY])).toBe(false);
  });
});
