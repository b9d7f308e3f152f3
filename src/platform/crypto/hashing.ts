import { createHash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

/** `bytes` of CSPRNG output, base64url without padding (43 characters for 32 bytes). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** CSPRNG output for `randomIdentifier`, refilled whole when the next identifier does not fit. */
const IDENTIFIER_POOL = Buffer.alloc(1024);
let identifierPoolOffset = IDENTIFIER_POOL.length;

/**
 * `bytes` of CSPRNG output, base64url, for an identifier that is no secret (an access token's
 * `jti`, a grant id carried in the token's `gid`): drawn from a pool refilled 1 KiB at a time,
 * as Node's own randomUUID does, so that ~60 identifiers cost one call into OpenSSL instead of
 * one each (a call that costs several µs under load). Every byte is used once. Never for a
 * secret (a code, a refresh token, a session): a pooled byte waits in memory until it is used.
 */
export function randomIdentifier(bytes = 16): string {
  if (bytes > IDENTIFIER_POOL.length) return randomToken(bytes);
  if (identifierPoolOffset + bytes > IDENTIFIER_POOL.length) {
    randomFillSync(IDENTIFIER_POOL);
    identifierPoolOffset = 0;
  }
  const identifier = IDENTIFIER_POOL.toString(
    'base64url',
    identifierPoolOffset,
    identifierPoolOffset + bytes,
  );
  identifierPoolOffset += bytes;
  return identifier;
}

/** BASE64URL(SHA-256(value)): the form of PKCE's S256 challenge and of every stored secret key. */
export function sha256Base64Url(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A short, non-reversible label for a secret, safe for logs and diagnostics. */
export function redact(secret: string): string {
  return `sha256:${sha256Base64Url(secret).slice(0, 8)}`;
}
