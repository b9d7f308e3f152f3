import { emailAloneMayNotChange, isEmailAlone } from './email-alone';

describe('email alone changes no account that holds a stronger key', () => {
  it('is an email login without mfa', () => {
    expect(isEmailAlone({ authMethod: 'email' })).toBe(true);
    expect(isEmailAlone({ authMethod: 'email', amr: ['otp'] })).toBe(true);
    expect(isEmailAlone({ authMethod: 'email', amr: ['pwd', 'otp', 'mfa'] })).toBe(false);
    expect(isEmailAlone({ authMethod: 'passkey', amr: ['pop'] })).toBe(false);
    expect(isEmailAlone({})).toBe(false);
  });

  it.each([
    [['email', 'passkey'], true],
    [['email', 'wallet'], true],
    [['password', 'email'], true],
    [['email'], false],
    [['email', 'email'], false],
  ] as const)('an account with %j: refused %s', (types, refused) => {
    expect(emailAloneMayNotChange({ authMethod: 'email', amr: ['otp'] }, types)).toBe(refused);
    // With another method proven in the same login (mfa), or another method alone: allowed.
    expect(emailAloneMayNotChange({ authMethod: 'email', amr: ['otp', 'pwd', 'mfa'] }, types)).toBe(
      false,
    );
    expect(emailAloneMayNotChange({ authMethod: 'password', amr: ['pwd'] }, types)).toBe(false);
  });
});
