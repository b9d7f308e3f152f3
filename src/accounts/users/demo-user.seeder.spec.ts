import { PasswordHasher } from '../../platform/crypto/password-hasher';
import { DEMO_CLIENTS } from '../../config/sections/oauth.config';
import { DEMO_USERS } from './demo-user.seeder';

/** `scrypt$N$r$p`: the cost a stored hash was made at. */
const costOf = (stored: string) => stored.split('$').slice(0, 4).join('$');

describe('DEMO_USERS', () => {
  const hasher = new PasswordHasher();

  it.each(DEMO_USERS)('$username: the written hash is its published password’s', async (user) => {
    await expect(hasher.verify(user.password, user.passwordHash)).resolves.toBe(true);
    await expect(hasher.verify(`${user.password}x`, user.passwordHash)).resolves.toBe(false);
  });

  it('made them at today’s scrypt cost, which a demo sign-in then pays like any other', async () => {
    const today = costOf(await hasher.hash('anything'));
    expect(DEMO_USERS.map((user) => costOf(user.passwordHash))).toEqual(
      DEMO_USERS.map(() => today),
    );
  });

  it('gives each its own salt', () => {
    const salts = DEMO_USERS.map((user) => user.passwordHash.split('$')[4]);
    expect(new Set(salts).size).toBe(DEMO_USERS.length);
  });
});

describe('DEMO_CLIENTS', () => {
  const hasher = new PasswordHasher();
  const withSecrets = DEMO_CLIENTS.filter((client) => client.clientSecret !== undefined);

  it('writes a hash beside every published secret', () => {
    expect(withSecrets.length).toBeGreaterThan(0);
    for (const client of withSecrets) expect(client.clientSecretHash).toMatch(/^scrypt\$/);
  });

  it.each(withSecrets)(
    '$clientId: the written hash is its secret’s, at today’s cost',
    async (client) => {
      const { clientSecret = '', clientSecretHash = '' } = client;
      await expect(hasher.verify(clientSecret, clientSecretHash)).resolves.toBe(true);
      await expect(hasher.verify(`${clientSecret}x`, clientSecretHash)).resolves.toBe(false);
      expect(costOf(clientSecretHash)).toBe(costOf(await hasher.hash('anything')));
    },
  );
});
