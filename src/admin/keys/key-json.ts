import type { SigningKeyStatus } from '../../tokens/signing-keys/signing-key.service';
import type { RotatedKey, ScheduledKey } from './key-administration.service';

/**
 * When a key stops signing: the active key once the pending next key is due, a retired key when
 * it was retired. A next key has not started signing yet.
 */
export function retiresAt(
  key: SigningKeyStatus,
  keys: readonly SigningKeyStatus[],
): Date | undefined {
  if (key.state === 'retired') return key.retiredAt;
  if (key.state === 'active') {
    return keys.find((other) => other.state === 'next' && other.alg === key.alg)?.activatesAt;
  }
  return undefined;
}

/** A signing key as `keys list --json` and `GET /admin/v1/keys` show it. */
export function keyJson(key: SigningKeyStatus, keys: readonly SigningKeyStatus[], now: Date) {
  return {
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    created_at: key.createdAt,
    activates_at: key.activatesAt ?? null,
    retires_at: retiresAt(key, keys) ?? null,
    published_until: key.publishedUntil ?? null,
    published: key.state !== 'retired' || (key.publishedUntil ?? now) > now,
  };
}

export function scheduledKeyJson(next: ScheduledKey) {
  return {
    kid: next.kid,
    alg: next.alg,
    state: 'next',
    activates_at: next.activatesAt,
    created: next.created,
    replaces: next.replaces,
  };
}

export function rotatedKeyJson(key: RotatedKey) {
  return {
    kid: key.kid,
    alg: key.alg,
    state: 'active',
    replaces: key.replaces,
    replaced_published_until: key.replacedPublishedUntil,
  };
}
