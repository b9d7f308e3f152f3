import canonicalize from 'canonicalize';
import { sha256Base64Url } from '../../platform/crypto/hashing';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';

/** RFC 8785: the JSON Canonicalization Scheme text of a JSON value (what a hash is taken of). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('Not a JSON value');
  return text;
}

/** BASE64URL(SHA-256) of the details' RFC 8785 canonical JSON: the same for the same objects. */
export function authorizationDetailsHash(details: readonly AuthorizationDetail[]): string {
  return sha256Base64Url(canonicalJson(details));
}
