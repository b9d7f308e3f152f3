import { createHash } from 'node:crypto';

/**
 * The WebAuthn user handle (`user.id`) of an account: 32 bytes derived from its subject, so the
 * same account always gets the same handle (an authenticator keeps one passkey per RP and
 * handle) without storing one. WebAuthn Level 3 §14.6.1: not the subject itself, which may be
 * a username; an opaque digest instead.
 */
export function userHandleOf(sub: string): Uint8Array<ArrayBuffer> {
  const digest = createHash('sha256').update(`proofgate webauthn user handle\0${sub}`).digest();
  return new Uint8Array(digest);
}
