import { Clock } from '../platform/clock/clock';
import type { RateLimiter } from '../platform/rate-limit/rate-limiter';
import type { AccountRepository, SignInState } from './account.repository';
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
