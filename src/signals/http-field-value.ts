/**
 * An HTTP field value (RFC 9110 §5.5): visible characters, spaces and tabs, and obs-text (bytes
 * 0x80-0xFF), never another control character (CR, LF, NUL, DEL…). What Node sends as a header
 * value; any other throws "Invalid character in header content" at the push.
 */
export const HTTP_FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function isHttpFieldValue(value: string): boolean {
  return HTTP_FIELD_VALUE.test(value);
}
