import { Clock } from '../platform/clock/clock';
import type { DomainEvents } from '../platform/events/domain-events';
import type { RateLimiter } from '../platform/rate-limit/rate-limiter';
import type { AccountProfileRecord, AccountRepository, SignInState } from './account.repository';
import { AccountService } from './account.service';
import { AccountDisabled, SignInMethodRemoved } from './accounts.errors';

function serviceOver(state: SignInState): AccountService {
  const repository: Pick<AccountRepository, 'signInStateOf'> = {
    signInStateOf: () => Promise.resolve(state),
  };
  return new AccountService(
    repository as AccountRepository,
    new (class extends Clock {
      now = () => new Date();
    })(),
    {} as unknown as RateLimiter,
    {} as unknown as DomainEvents,
  );
}

describe('AccountService.assertMaySignIn: the check every sign-in makes after its write', () => {
  it('lets an account with no record sign in with any method it proved', async () => {
    const accounts = serviceOver({ disabledAt: null, methods: [] });
    await expect(accounts.assertMaySignIn('alice')).resolves.toBeUndefined();
    await expect(accounts.assertMaySignIn('alice', 'password:alice')).resolves.toBeUndefined();
  });

  it('refuses a disabled account, whichever method', async () => {
    const accounts = serviceOver({ disabledAt: new Date(), methods: ['password:alice'] });
    await expect(accounts.assertMaySignIn('alice', 'password:alice')).rejects.toBeInstanceOf(
      AccountDisabled,
    );
    await expect(accounts.assertMaySignIn('alice')).rejects.toBeInstanceOf(AccountDisabled);
  });

  it('refuses a login by a method the account no longer lists (removed while signing in)', async () => {
    const accounts = serviceOver({ disabledAt: null, methods: ['password:alice'] });
    await expect(accounts.assertMaySignIn('alice', 'password:alice')).resolves.toBeUndefined();
    const refusal = await accounts
      .assertMaySignIn('alice', 'passkey:lost')
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(SignInMethodRemoved);
    expect(refusal).toMatchObject({
      status: 403,
      error: 'access_denied',
      reason: 'method_removed',
    });
    // A session from before methods were recorded on sessions names none: not refused here.
    await expect(accounts.assertMaySignIn('alice')).resolves.toBeUndefined();
  });
});

describe('AccountService.profile: the username an account has, and when its methods changed', () => {
  const WALLET = 'eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
  const created = new Date('2026-01-01T00:00:00Z');
  const changed = new Date('2026-02-01T00:00:00Z');

  function over(record: AccountProfileRecord | null): AccountService {
    const repository: Pick<AccountRepository, 'profileOf'> = {
      profileOf: () => Promise.resolve(record),
    };
    return new AccountService(
      repository as AccountRepository,
      {} as unknown as Clock,
      {} as unknown as RateLimiter,
      {} as unknown as DomainEvents,
    );
  }

  it('a password user without a record: its subject is its username; no date of change', async () => {
    await expect(over(null).profile('alice')).resolves.toEqual({ username: 'alice' });
  });

  it('a wallet without a record: an address is no name', async () => {
    await expect(over(null).profile(WALLET)).resolves.toEqual({});
  });

  it('a wallet account that set a password: that username, and when its methods last changed', async () => {
    const record = { methods: [WALLET, 'password:bob'], createdAt: created, updatedAt: changed };
    await expect(over(record).profile(WALLET)).resolves.toEqual({
      username: 'bob',
      updatedAt: changed,
    });
  });

  it('a record from before updatedAt was kept: its creation', async () => {
    const record = { methods: ['password:alice', 'passkey:AAAA'], createdAt: created };
    await expect(over(record).profile('alice')).resolves.toEqual({
      username: 'alice',
      updatedAt: created,
    });
  });

  it('a password account whose password was removed keeps the username it is named by', async () => {
    const record = { methods: ['passkey:AAAA'], createdAt: created, updatedAt: changed };
    await expect(over(record).profile('alice')).resolves.toEqual({
      username: 'alice',
      updatedAt: changed,
    });
  });
});
