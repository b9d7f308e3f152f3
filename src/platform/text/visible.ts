/** Unicode controls and format characters: U+202E RIGHT-TO-LEFT OVERRIDE, U+200B, tabs, NUL... */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/**
 * `text` with its controls and format characters written out (`\u{202e}`), so that a value
 * someone else stored (an address kept before such characters were refused) reads on a page or
 * in a terminal as what it is, never reordered or hidden.
 */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (character) => `\\u{${character.codePointAt(0)?.toString(16)}}`);
}
