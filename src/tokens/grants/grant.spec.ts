import { randomBytes } from 'node:crypto';
import { grantIdForChallenge } from './grant';

describe('grantIdForChallenge', () => {
  const ids = Array.from({ length: 4000 }, () =>
    grantIdForChallenge(randomBytes(32).toString('base64url')),
  );

  it('is 22 base64url characters, as refresh tokens and the CLI expect', () => {
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('never starts with "-", which the admin CLI would read as an option', () => {
    // About 60 of 4000 raw hashes start with '-': the rule is exercised, not assumed.
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(ids.filter((id) => id.startsWith('g')).length).toBeGreaterThan(60);
  });

  it('is the same for the same challenge (a replay finds the grant its code opened)', () => {
    expect(grantIdForChallenge('same-key-hash')).toBe(grantIdForChallenge('same-key-hash'));
  });
});
