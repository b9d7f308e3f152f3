import { randomInt } from 'node:crypto';

/**
 * RFC 8628 §6.1's alphabet: consonants only (no vowels, so no words and no O or I to read as 0
 * or 1; no digits at all), typed in upper or lower case. 20 letters ^ 8 = 2.56e10 codes (34.6
 * bits); with the verification page's throttle (device.rate-limits.ts) and a code's lifetime of
 * minutes, guessing a live one is out of reach (RFC 8628 §5.1).
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A fresh user code, shown as `XXXX-XXXX`. */
export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) {
    code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  }
  return formatUserCode(code);
}

/** `BCDFGHJK` as the user reads it: `BCDF-GHJK`. */
export function formatUserCode(normalized: string): string {
  return `${normalized.slice(0, 4)}-${normalized.slice(4)}`;
}

/**
 * RFC 8628 §6.1: what the user typed, as the code is stored: upper case, without the dash or any
 * spaces; null when it cannot be a user code (wrong length or letters), which is refused without
 * a lookup (but still counts against the throttle).
 */
export function normalizeUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return null;
  for (const letter of code) if (!USER_CODE_ALPHABET.includes(letter)) return null;
  return code;
}
