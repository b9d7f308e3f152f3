import { randomToken, sha256Base64Url } from '../platform/crypto/hashing';

/**
 * One of a confidential client's secrets (RFC 6749 §2.3.1), as the service keeps it: a scrypt
 * hash (PasswordHasher), never the value. A client holds one, or two while a rotation's overlap
 * lasts: the new one, and the previous one until its expiry.
 */
export interface ClientSecret {
  /** Names the secret in listings and the admin API; random, never derived from its value. */
  readonly id: string;
  readonly hash: string;
  /** When it was made; absent for a secret stored by a release before secrets had ids. */
  readonly createdAt?: Date;
  /** From then on it is refused; absent: it never expires. */
  readonly expiresAt?: Date;
}

/** What a client holds at most: the newest secret and the one it replaces, during the overlap. */
export const MAX_CLIENT_SECRETS = 2;

/** Random bits of a secret's id: unique per client, and nothing to guess from. */
const SECRET_ID_BYTES = 12;

/** A secret made now, with a fresh id. */
export function newClientSecret(hash: string, createdAt: Date): ClientSecret {
  return { id: randomToken(SECRET_ID_BYTES), hash, createdAt };
}

/**
 * The one secret of a client stored by a release before two secrets (its bare hash): no expiry,
 * no known creation, and an id that is the same at every read, taken from the stored hash (a
 * salted scrypt hash: its digest tells nothing of the secret), so that a listing then a rotation
 * name the same secret.
 */
export function singleStoredSecret(hash: string): ClientSecret {
  return { id: sha256Base64Url(hash).slice(0, 16), hash };
}

/** Whether the secret is still accepted at `nowMs`: time decides, not a deletion. */
export function isLiveSecret(secret: Pick<ClientSecret, 'expiresAt'>, nowMs: number): boolean {
  return secret.expiresAt === undefined || secret.expiresAt.getTime() > nowMs;
}

/** The secrets accepted at `nowMs`, newest first (the order a presented secret is tried in). */
export function liveSecrets(secrets: readonly ClientSecret[], nowMs: number): ClientSecret[] {
  return secrets.filter((secret) => isLiveSecret(secret, nowMs)).reverse();
}

/**
 * The secrets once `added` joins them (newest last, as stored), the rules of a rotation:
 * - the previous secret (the newest of those still live) keeps working for `previousExpiresInMs`
 *   more, never longer than it would have anyway; 0 stops it now;
 * - a secret already expired, or older than the previous one, goes: at most
 *   MAX_CLIENT_SECRETS remain, so a second rotation within an overlap ends the first one's.
 */
export function secretsAfterRotation(
  current: readonly ClientSecret[],
  added: ClientSecret,
  now: Date,
  previousExpiresInMs: number,
): ClientSecret[] {
  const nowMs = now.getTime();
  const previous = liveSecrets(current, nowMs)[0];
  if (previous === undefined) return [added];
  const until = nowMs + previousExpiresInMs;
  const expiresAtMs = Math.min(previous.expiresAt?.getTime() ?? until, until);
  if (expiresAtMs <= nowMs) return [added];
  return [{ ...previous, expiresAt: new Date(expiresAtMs) }, added];
}
