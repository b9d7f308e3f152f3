import { maskedAddress } from './mail-outbox';

describe('maskedAddress: what a listing of the mail outbox shows of a recipient', () => {
  it('keeps the first character and the domain', () => {
    expect(maskedAddress('alice@example.com')).toBe('a***@example.com');
    expect(maskedAddress('b@mail.example.org')).toBe('b***@mail.example.org');
  });

  it('shows nothing of what is not an address', () => {
    expect(maskedAddress('no-at-sign')).toBe('***');
    expect(maskedAddress('@example.com')).toBe('***');
  });
});
