import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A nonce is current for one step and accepted for one more: 60 to 120 seconds in all. */
export const DPOP_NONCE_STEP_SECONDS = 60;

/**
 * Where the nonces of RFC 9449 §9 come from: `current` to hand out (in `DPoP-Nonce`), `check` of
 * a proof's: `current`, `previous` (still accepted; the current one is sent along) or
 * `invalid`. DpopNonces by default; an API with nonces of its own (shared with its token
 * endpoint, say) passes an object of these two methods.
 */
export interface DpopNonceSource {
  current(nowSeconds: number): string;
  check(nonce: unknown, nowSeconds: number): 'current' | 'previous' | 'invalid';
}

/**
 * RFC 9449 §9 resource server nonces, stateless: `<step>.<HMAC-SHA256(key, step)>` where the
 * step is the time in DPOP_NONCE_STEP_SECONDS. A nonce is accepted while its step is the
 * current or the previous one. The key is random per process unless given: instances of one API
 * that share a key accept each other's nonces.
 */
export class DpopNonces implements DpopNonceSource {
  private readonly key: Buffer;

  constructor(key?: string | Uint8Array) {
    this.key = key === undefined ? randomBytes(32) : Buffer.from(key);
    if (this.key.length < 32) throw new TypeError('A DPoP nonce key needs at least 32 bytes');
  }

  current(nowSeconds: number): string {
    return this.nonceOf(this.step(nowSeconds));
  }

  /** `current`, `previous` (still accepted: send the current one along), or `invalid`. */
  check(nonce: unknown, nowSeconds: number): 'current' | 'previous' | 'invalid' {
    if (typeof nonce !== 'string') return 'invalid';
    const match = /^([0-9a-z]{1,12})\.[A-Za-z0-9_-]{22}$/.exec(nonce);
    if (!match) return 'invalid';
    const step = parseInt(match[1], 36);
    const now = this.step(nowSeconds);
    if (step !== now && step !== now - 1) return 'invalid';
    const expected = Buffer.from(this.nonceOf(step));
    const given = Buffer.from(nonce);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return step === now ? 'current' : 'previous';
  }

  private step(nowSeconds: number): number {
    return Math.floor(nowSeconds / DPOP_NONCE_STEP_SECONDS);
  }

  private nonceOf(step: number): string {
    const tag = createHmac('sha256', this.key).update(`dpop-nonce:${step}`).digest('base64url');
    return `${step.toString(36)}.${tag.slice(0, 22)}`;
  }
}
