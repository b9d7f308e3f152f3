import type { DomainEvents } from '../../platform/events/domain-events';
import { TestClock } from '../../../test/support/test-clock';
import { TestPasswordHasher } from '../../../test/support/test-password-hasher';
import { InMemoryUserRepository } from './testing/in-memory-user.repository';
import {
  PASSWORD_MAX_LENGTH,
  UserAccountError,
  UserAccountService,
  checkPassword,
} from './user-account.service';
import { UserService } from './user.service';

describe('UserAccountService', () => {
  // The service's hasher at a lower cost for new hashes: what scrypt costs is
  // password-hasher.spec.ts's to hold, not the accounts'.
  const hasher = new TestPasswordHasher();
  let repository: InMemoryUserRepository;
  let accounts: UserAccountService;
  let login: UserService;

  beforeEach(() => {
    repository = new InMemoryUserRepository();
    accounts = new UserAccountService(repository, hasher, new TestClock(), {
      emitAndWait: () => Promise.resolve(),
    } as unknown as DomainEvents);
    login = new UserService(repository, hasher);
  });

  it('registers an account that logs in with its password, storing only a scrypt hash', async () => {
    const account = await accounts.register('alice', 'correct horse');

    expect(account).toEqual({
      username: 'alice',
      sub: 'alice',
      createdAt: expect.any(Date),
      revision: 0,
    });
    const stored = repository.users.get('alice')!;
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain('correct horse');
    await expect(login.authenticate('alice', 'correct horse')).resolves.toEqual({ sub: 'alice' });
  });

  it('refuses a second account of the same name, leaving the first untouched', async () => {
    await accounts.register('alice', 'correct horse');

    await expect(accounts.register('alice', 'another password')).rejects.toThrow(
      new UserAccountError('user alice already exists'),
    );
    await expect(login.authenticate('alice', 'correct horse')).resolves.toEqual({ sub: 'alice' });
  });

  it('refuses a name that differs from an existing one only in case; the first keeps logging in as it is', async () => {
    await accounts.register('alice', 'correct horse');

    await expect(accounts.register('Alice', 'another password')).rejects.toThrow(
      new UserAccountError(
        'user Alice already exists in another case (usernames are unique whatever their case)',
      ),
    );
    await expect(accounts.registerForAccount('eip155:1:0xab', 'ALICE', 'a password')).resolves.toBe(
      'username_taken',
    );
    expect([...repository.users.keys()]).toEqual(['alice']);
    await expect(login.authenticate('alice', 'correct horse')).resolves.toEqual({ sub: 'alice' });
    // Signing in takes the exact spelling the account was created with.
    await expect(login.authenticate('Alice', 'correct horse')).resolves.toBeNull();
  });

  it.each([
    ['', 'empty'],
    ['eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'a wallet subject'],
    ['-alice', 'a leading dash'],
    ['al ice', 'a space'],
    ['a'.repeat(65), '65 characters'],
    [
      'dcr_0123456789abcdef0123456789abcdef',
      'the prefix of registered client ids (RFC 9700 §4.15)',
    ],
    ['DCR_x', 'that prefix in capitals'],
  ])('refuses the username %j (%s)', async (username) => {
    await expect(accounts.register(username, 'correct horse')).rejects.toThrow(/^username must/);
    expect(repository.users.size).toBe(0);
  });

  it('accepts e-mail-like usernames', async () => {
    await expect(accounts.register('ops+1@example.com', 'correct horse')).resolves.toMatchObject({
      username: 'ops+1@example.com',
    });
  });

  it.each([
    ['short', 'password must be at least 8 characters'],
    [
      'x'.repeat(PASSWORD_MAX_LENGTH + 1),
      `password must be at most ${PASSWORD_MAX_LENGTH} characters`,
    ],
    ['two\nlines!', 'password must be a single line'],
  ])('refuses a password the login form could not use, without echoing it', (password, message) => {
    expect(() => checkPassword(password)).toThrow(new UserAccountError(message));
  });

  it('sets a new password: the old one stops working, the new one works', async () => {
    await accounts.register('alice', 'correct horse');

    await accounts.setPassword('alice', 'battery staple');

    await expect(login.authenticate('alice', 'correct horse')).resolves.toBeNull();
    await expect(login.authenticate('alice', 'battery staple')).resolves.toEqual({ sub: 'alice' });
  });

  it('refuses to set the password of an unknown user, or a password the rules refuse', async () => {
    await expect(accounts.setPassword('nobody', 'battery staple')).rejects.toThrow(
      'no user nobody',
    );
    await accounts.register('alice', 'correct horse');
    await expect(accounts.setPassword('alice', 'short')).rejects.toThrow(/at least 8/);
    await expect(login.authenticate('alice', 'correct horse')).resolves.toEqual({ sub: 'alice' });
  });

  it('sets a password only at the revision the caller read, when it names one (If-Match)', async () => {
    await accounts.register('alice', 'correct horse');
    await expect(accounts.setPassword('alice', 'battery staple', 0)).resolves.toBe('changed');
    // Read at revision 0, written after the change above: refused, and nothing changed.
    await expect(accounts.setPassword('alice', 'another staple', 0)).resolves.toBe('stale');
    await expect(login.authenticate('alice', 'battery staple')).resolves.toEqual({ sub: 'alice' });
    await expect(accounts.claimRevision('alice', 0)).resolves.toBe('stale');
    await expect(accounts.claimRevision('alice', 1)).resolves.toBe('changed');
    await expect(accounts.claimRevision('nobody', 0)).rejects.toThrow('no user nobody');
    // A change that names none (the CLI) lands whatever the revision, and moves it on.
    await expect(accounts.setPassword('alice', 'cli staple')).resolves.toBe('changed');
    await accounts.accountChanged('alice');
    await expect(accounts.find('alice')).resolves.toMatchObject({ revision: 4 });
  });

  it('refuses a password disabled on its own (before lock-downs were per account) until enabled', async () => {
    // Today `users disable` locks the whole account (AccountService); a password disabled
    // before keeps being refused until `users enable` lifts both.
    await accounts.register('alice', 'correct horse');
    await repository.disable('alice', new Date());

    await expect(login.authenticate('alice', 'correct horse')).resolves.toBeNull();
    await expect(accounts.enablePassword('alice')).resolves.toBe(true);
    await expect(accounts.enablePassword('alice')).resolves.toBe(false);
    await expect(login.authenticate('alice', 'correct horse')).resolves.toEqual({ sub: 'alice' });
  });

  it('names the subject a password signs in: its own username, or the account it was set for', async () => {
    await accounts.register('alice', 'correct horse');
    await accounts.registerForAccount(
      'eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      'bob',
      'correct horse',
    );

    await expect(accounts.subjectOf('alice')).resolves.toBe('alice');
    await expect(accounts.subjectOf('bob')).resolves.toBe(
      'eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    );
    await expect(accounts.subjectOf('nobody')).resolves.toBeNull();
  });

  it('lists accounts by username, without their password hashes', async () => {
    await accounts.register('bob', 'correct horse');
    await accounts.register('alice', 'correct horse');
    await repository.disable('bob', new Date());

    const listed = await accounts.list();

    expect(listed).toEqual([
      { username: 'alice', sub: 'alice', createdAt: expect.any(Date), revision: 0 },
      {
        username: 'bob',
        sub: 'bob',
        createdAt: expect.any(Date),
        disabledAt: expect.any(Date),
        revision: 1,
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain('scrypt');
  });
});
