import {
  type ClientSecret,
  MAX_CLIENT_SECRETS,
  liveSecrets,
  newClientSecret,
  secretsAfterRotation,
  singleStoredSecret,
} from './client-secrets';

const NOW = new Date('2026-12-01T12:00:00Z');
const HOUR_MS = 3_600_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

const secret = (id: string, fields: Partial<ClientSecret> = {}): ClientSecret => ({
  id,
  hash: `scrypt$hash-of-${id}`,
  createdAt: at(-48 * HOUR_MS),
  ...fields,
});

describe('secretsAfterRotation', () => {
  const added = secret('new', { createdAt: NOW });

  it('keeps the previous secret for the overlap asked, beside the new one (newest last)', () => {
    const rotated = secretsAfterRotation([secret('old')], added, NOW, 24 * HOUR_MS);

    expect(rotated).toEqual([{ ...secret('old'), expiresAt: at(24 * HOUR_MS) }, added]);
    expect(liveSecrets(rotated, at(24 * HOUR_MS - 1).getTime()).map((s) => s.id)).toEqual([
      'new',
      'old',
    ]);
    expect(liveSecrets(rotated, at(24 * HOUR_MS).getTime()).map((s) => s.id)).toEqual(['new']);
  });

  it('an overlap of 0 stops the previous secret now: only the new one remains', () => {
    expect(secretsAfterRotation([secret('old')], added, NOW, 0)).toEqual([added]);
  });

  it('a second rotation within the overlap ends the first one: never more than two secrets', () => {
    const first = secretsAfterRotation([secret('a')], secret('b'), NOW, 24 * HOUR_MS);
    const later = at(HOUR_MS);
    const second = secretsAfterRotation(first, secret('c'), later, 24 * HOUR_MS);

    expect(second.map((s) => s.id)).toEqual(['b', 'c']);
    expect(second[0].expiresAt).toEqual(at(25 * HOUR_MS));
    expect(second.length).toBeLessThanOrEqual(MAX_CLIENT_SECRETS);
    expect(liveSecrets(second, later.getTime()).map((s) => s.id)).not.toContain('a');
  });

  it('drops a secret that already expired, and keeps no expired one as the previous', () => {
    const expired = secret('gone', { expiresAt: at(-1) });

    expect(secretsAfterRotation([expired], added, NOW, 24 * HOUR_MS)).toEqual([added]);
    expect(
      secretsAfterRotation([expired, secret('current')], added, NOW, HOUR_MS).map((s) => s.id),
    ).toEqual(['current', 'new']);
  });

  it('never lengthens a previous secret that was to expire sooner', () => {
    const soon = secret('soon', { expiresAt: at(HOUR_MS) });

    const rotated = secretsAfterRotation([soon], added, NOW, 24 * HOUR_MS);

    expect(rotated[0]).toEqual(soon);
  });

  it('a client without a secret gets the new one alone', () => {
    expect(secretsAfterRotation([], added, NOW, 24 * HOUR_MS)).toEqual([added]);
  });
});

describe('liveSecrets', () => {
  it('the unexpired ones, newest first; time decides, to the millisecond', () => {
    const secrets = [secret('old', { expiresAt: at(10) }), secret('new')];

    expect(liveSecrets(secrets, NOW.getTime() + 9).map((s) => s.id)).toEqual(['new', 'old']);
    expect(liveSecrets(secrets, NOW.getTime() + 10).map((s) => s.id)).toEqual(['new']);
  });
});

describe('secret ids', () => {
  it('a new secret gets a random id, never one of its hash', () => {
    const a = newClientSecret('scrypt$same', NOW);
    const b = newClientSecret('scrypt$same', NOW);

    expect(a.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(a.id).not.toBe(b.id);
    expect(a).toEqual({ id: a.id, hash: 'scrypt$same', createdAt: NOW });
  });

  it("an earlier release's one stored hash reads as the same secret every time, without expiry", () => {
    expect(singleStoredSecret('scrypt$x')).toEqual(singleStoredSecret('scrypt$x'));
    expect(singleStoredSecret('scrypt$x').id).not.toBe(singleStoredSecret('scrypt$y').id);
    expect(singleStoredSecret('scrypt$x')).toEqual({ id: expect.any(String), hash: 'scrypt$x' });
  });
});
