/** User name and password of an `Authorization: Basic` header (RFC 7617). */
export interface BasicCredentials {
  username: string;
  password: string;
}

// RFC 9110 §11.1: the scheme name is case-insensitive ("basic" and "BASIC" are "Basic").
const BASIC = /^Basic +([A-Za-z0-9+/=]+)$/i;

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded before the Basic encoding. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * The OAuth client credentials of a Basic `Authorization` header, form-decoded; null when the
 * header is not Basic or is malformed. Client authentication and the per-client rate limit both
 * read credentials here, so they can never disagree on who a request claims to be.
 */
export function parseBasicCredentials(header: string): BasicCredentials | null {
  const match = BASIC.exec(header.trim());
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return {
      username: formDecode(decoded.slice(0, colon)),
      password: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    // A malformed percent escape (URIError).
    return null;
  }
}
