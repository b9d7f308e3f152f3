import { PasswordHasher } from '../../platform/crypto/password-hasher';
import { InMemoryUserRepository } from './testing/in-memory-user.repository';
import { UNKNOWN_USER_PASSWORD_HASH, UserService } from './user.service';

/** `scrypt$N$r$p`: the cost a stored hash was made at. */
const costOf = (stored: string) => stored.split('$').slice(0, 4).join('$');

describe('UserService.authenticate', () => {
  const hasher = new PasswordHasher();
  let repository: InMemoryUserRepository;
  let service: UserService;
  let user0Hash: string;

  beforeAll(async () => {
    user0Hash = await hasher.hash('password0');
  });

  beforeEach(async () => {
    repository = new InMemoryUserRepository();
    await repository.insertIfAbsent({
      username: 'user0',
      passwordHash: user0Hash,
      createdAt: new Date(),
    });
    service = new UserService(repository, hasher);
  });

  afterEach(() => jest.restoreAllMocks());

  it('returns the subject for the right password', async () => {
    await expect(service.authenticate('user0', 'password0')).resolves.toEqual({ sub: 'user0' });
  });

  it('returns the account’s subject for a password a wallet account set (#20), and keeps it once re-enabled', async () => {
    const sub = 'eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
    await repository.insertIfAbsent({
      username: 'alice',
      sub,
      passwordHash: user0Hash,
      createdAt: new Date(),
    });
    await expect(service.authenticate('alice', 'password0')).resolves.toEqual({ sub });
    await repository.disable('alice', new Date());
    await repository.enable('alice');
    await expect(service.authenticate('alice', 'password0')).resolves.toEqual({ sub });
  });

  it('returns null for a wrong password', async () => {
    await expect(service.authenticate('user0', 'password1')).resolves.toBeNull();
  });

  it('refuses a disabled account its right password, after the same scrypt verification', async () => {
    await repository.disable('user0', new Date());
    const verify = jest.spyOn(hasher, 'verify');

    await expect(service.authenticate('user0', 'password0')).resolves.toBeNull();

    expect(verify).toHaveBeenCalledWith('password0', user0Hash);
  });

  it('still runs one scrypt verification for an unknown user, against a non-user hash', async () => {
    const verify = jest.spyOn(hasher, 'verify');

    await expect(service.authenticate('nobody', 'password0')).resolves.toBeNull();

    expect(verify).toHaveBeenCalledTimes(1);
    const [secret, stored] = verify.mock.calls[0];
    expect(secret).toBe('password0');
    expect(stored).toMatch(/^scrypt\$/);
    expect(stored).not.toBe(user0Hash);
  });

  it('never accepts a password for an unknown user, whatever it is', async () => {
    const verify = jest.spyOn(hasher, 'verify').mockResolvedValue(true);

    await expect(service.authenticate('nobody', 'anything')).resolves.toBeNull();
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('checks an unknown user against a hash of today’s cost, so it takes as long as a known one', async () => {
    expect(costOf(UNKNOWN_USER_PASSWORD_HASH)).toBe(costOf(await hasher.hash('anything')));
  });

  it('uses the same dummy hash for every unknown user', async () => {
    const verify = jest.spyOn(hasher, 'verify');

    await service.authenticate('nobody', 'a');
    await service.authenticate('somebody-else', 'b');

    expect(verify.mock.calls[0][1]).toBe(verify.mock.calls[1][1]);
  });
});
