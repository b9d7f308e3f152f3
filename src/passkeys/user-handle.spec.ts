import { encodedUserHandleOf, userHandleOf } from './user-handle';

describe('user handles', () => {
  it('are 32 bytes, the same for the same subject and different for another', () => {
    expect(userHandleOf('user0')).toHaveLength(32);
    expect(userHandleOf('user0')).toEqual(userHandleOf('user0'));
    expect(userHandleOf('user1')).not.toEqual(userHandleOf('user0'));
  });

  it('as the JSON of an assertion carries them: the same bytes, base64url without padding', () => {
    for (const sub of ['user0', 'eip155:1:0x52908400098527886E0F7030069857D2E4169EE7', 'ü']) {
      const encoded = encodedUserHandleOf(sub);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(new Uint8Array(Buffer.from(encoded, 'base64url'))).toEqual(userHandleOf(sub));
    }
  });
});
