import { createHash } from 'node:crypto';

const userHandleHash = (sub: string) =>
  createHash('sha256').update(`proofgate webauthn user handle\0${sub}`);

/**
 * The WebAuthn user handle (`user.id`) of an account: 32 bytes derived from its subject, so the
 * same account always gets the same handle (an authenticator keeps one passkey per RP and
 * handle) without storing one. WebAuthn Level 3 §14.6.1: not the subject itself, which may be
 * a username; an opaque digest instead.
 */
export function userHandleOf(sub: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(userHandleHash(sub).digest());
}

/** The user handle of an account as WebAuthn's JSON carries it: base64url, unpadded. */
export function encodedUserHandleOf(sub: string): string {
  return userHandleHash(sub).digest('base64url');
}
