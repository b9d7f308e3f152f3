import { Injectable } from '@nestjs/common';
import { createHmac, hkdfSync } from 'node:crypto';
import { TokenConfig } from '../../config/sections/tokens.config';
import { constantTimeEqual } from '../../platform/crypto/hashing';

/**
 * The /authorize parameter Proofgate adds to the request it sends the user to sign in for, when
 * that request asked for a fresh sign-in (`prompt=login`, `max_age`): when it did so. Only this
 * server mints it; clients never send it.
 */
export const SIGNED_IN_SINCE_PARAM = 'pg_signin_since';

/** How long a marker counts: the time a user may take on the login page. */
export const SIGN_IN_MARKER_TTL_SECONDS = 600;

/**
 * `prompt=login` and `max_age=0` ask for a sign-in newer than the request; the request comes back
 * from /login with the same parameters, so it must say that it already sent the user to sign in.
 * The marker says when, for which client, under an HMAC (key derived from KEY_ENCRYPTION_SECRET,
 * like the CSRF tokens'): made up, moved to another client or older than ten minutes, it is
 * ignored and the user is asked to sign in again. A marker only ever admits a session whose
 * sign-in is newer than the moment it names, so it can relax nothing else.
 */
@Injectable()
export class SignInMarker {
  private readonly key: Buffer;

  constructor(tokens: TokenConfig) {
    this.key = Buffer.from(
      hkdfSync('sha256', tokens.keyEncryptionSecret, 'proofgate', 'sign-in-since', 32),
    );
  }

  mint(clientId: string, at: Date): string {
    const ms = String(at.getTime());
    return `${ms}.${this.mac(clientId, ms)}`;
  }

  /** When the marker says this client's request sent the user to sign in, if it is genuine. */
  since(marker: string | undefined, clientId: string, now: Date): Date | undefined {
    const parts = marker === undefined ? null : /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(marker);
    if (!parts) return undefined;
    const [, ms, mac] = parts;
    if (!constantTimeEqual(mac, this.mac(clientId, ms))) return undefined;
    const at = Number(ms);
    const age = now.getTime() - at;
    if (age < 0 || age > SIGN_IN_MARKER_TTL_SECONDS * 1000) return undefined;
    return new Date(at);
  }

  private mac(clientId: string, ms: string): string {
    return createHmac('sha256', this.key).update(`${clientId}\n${ms}`).digest('base64url');
  }
}
