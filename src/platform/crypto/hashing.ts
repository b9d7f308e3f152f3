import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `bytes` of CSPRNG output, base64url without padding (43 characters for 32 bytes). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
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
